/** Lowercase and drop accents, so "José" is found by "jose". */
function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

function words(text: string): string[] {
  return fold(text)
    .split(/[^\p{L}\p{N}@._+'-]+/u)
    .flatMap((word) => [word, ...word.split(/[-'.]+/)])
    .filter((word) => word.length > 0);
}

type Searchable = { contact: { name: string; email: string }; orderId: number };

/**
 * Index entries for a record: name words, the email whole and its domain, and the order id. A
 * word that begins another (a first name beginning the email) is left out: every prefix of it is
 * a prefix of the longer one, so it would match nothing more, and a search would read it twice.
 */
export function searchTokensFor(record: Searchable): string[] {
  const email = fold(record.contact.email.trim());
  const domain = email.includes('@') ? email.slice(email.indexOf('@') + 1) : '';
  const tokens = [...new Set([...words(record.contact.name), email, domain, String(record.orderId)])].filter((token) => token.length > 0);
  return tokens.filter((token) => !tokens.some((other) => other !== token && other.startsWith(token)));
}

/** The words of a search box entry; a record matches when each is a prefix of one of its tokens. */
export function searchQueryTokens(query: string): string[] {
  return [
    ...new Set(
      fold(query)
        .split(/\s+/)
        .filter((token) => token.length > 0),
    ),
  ];
}
