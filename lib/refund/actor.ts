import type { KeapClient } from '@/lib/keap/client';

/**
 * Who made a refund, for the journal's "Refunded by". `GET /v1/account/profile` names the business,
 * not a person; `GET /v1/oauth/connect/userinfo` names the Keap user the key belongs to, but Keap
 * does not document which keys answer it (keap-facts: "Who the key belongs to").
 */
export interface RefundActor {
  name: string;
  email: string;
  /** `keap-user`: Keap's API said; `options`: the name the person gave in Refund Desk's options; `unknown`: neither. */
  source: 'keap-user' | 'options' | 'unknown';
}

/**
 * The Keap user from user info when the key answers it (name "Given Family", and email); otherwise
 * `namedInOptions` (the `yourName` setting), trimmed, with no email; otherwise nobody. Never fails:
 * a refusal, an error or an answer naming no one falls back to the next source.
 */
export async function actorOf(client: KeapClient, namedInOptions: string): Promise<RefundActor> {
  const answer = await client.getUserInfo();
  if (answer.ok) {
    const user = answer.value;
    const name = [user.given_name, user.family_name]
      .map((part) => part?.trim() ?? '')
      .filter((part) => part !== '')
      .join(' ');
    const email = user.email?.trim() ?? '';
    if (name !== '' || email !== '') return { name, email, source: 'keap-user' };
  }
  const named = namedInOptions.trim();
  if (named !== '') return { name: named, email: '', source: 'options' };
  return { name: '', email: '', source: 'unknown' };
}
