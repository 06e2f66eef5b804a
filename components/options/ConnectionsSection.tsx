import { useId, useState } from 'react';
import { KEAP_API_HOSTS, type KeapApiHost } from '@/lib/keap-hosts';
import type { ConnectionStatus } from '@/lib/messaging/extension-page-messages';
import type { Feedback } from './OptionsForm';

interface ConnectionEdit {
  /** The connection changed; absent adds one. */
  index?: number;
  /** The Keap app's name, or '' to let the first matching Keap page bind the key. */
  appName: string;
  /** Absent keeps the stored key of the connection changed. */
  apiKey?: string;
  apiHost: KeapApiHost;
}

export interface ConnectionsSectionProps {
  connections: ConnectionStatus[];
  busy: boolean;
  feedback: Feedback;
  onSave: (edit: ConnectionEdit) => void;
  onRemove: (index: number) => void;
  onTest: (test: { index?: number; apiKey?: string; apiHost: KeapApiHost }) => void;
}

function appAddress(appName: string): string {
  return `${appName}.infusionsoft.com`;
}

/** One Keap API key per Keap app. Presentational: the entry point stores and tests. */
export function ConnectionsSection({ connections, busy, feedback, onSave, onRemove, onTest }: ConnectionsSectionProps) {
  // The connection being changed (its index), a new one ('new'), or none.
  const [editing, setEditing] = useState<number | 'new' | null>(connections.length === 0 ? 'new' : null);
  const current = typeof editing === 'number' ? connections[editing] : undefined;
  const [appName, setAppName] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [apiHost, setApiHost] = useState<KeapApiHost>('api.infusionsoft.com');
  const ids = { app: useId(), appHelp: useId(), key: useId(), keyHelp: useId(), host: useId() };
  const typedKey = apiKey.trim() === '' ? undefined : apiKey.trim();
  const index = typeof editing === 'number' ? editing : undefined;

  const startEditing = (which: number | 'new') => {
    const connection = typeof which === 'number' ? connections[which] : undefined;
    setEditing(which);
    setAppName(connection?.appName ?? '');
    setApiKey('');
    setApiHost(connection?.apiHost ?? 'api.infusionsoft.com');
  };

  return (
    <fieldset className="connections">
      <legend>Keap connections</legend>
      <p className="help">One API key per Keap app. Refund Desk reads each Keap app only with its own key, and refunds only in the app the key belongs to.</p>
      {connections.length > 0 && (
        <ul className="connection-list" aria-label="Keap connections">
          {connections.map((connection, position) => (
            <li key={`${connection.appName ?? 'unbound'}:${connection.maskedApiKey}`}>
              <strong>{connection.appName ? appAddress(connection.appName) : 'Keap app not known yet'}</strong>
              <span className="help">
                {connection.appName
                  ? connection.boundBy === 'page'
                    ? ' (found on a Keap page that showed what this key’s API shows)'
                    : ''
                  : ' Refund Desk binds this key to the first Keap page that shows the contact and orders its API shows.'}
              </span>
              <span className="help">
                {' '}
                Key {connection.maskedApiKey} · {connection.apiHost}
              </span>
              <div className="row">
                <button type="button" disabled={busy} onClick={() => startEditing(position)}>
                  Change
                </button>
                <button type="button" disabled={busy} onClick={() => onTest({ index: position, apiHost: connection.apiHost })}>
                  Test connection
                </button>
                <button type="button" disabled={busy} onClick={() => onRemove(position)}>
                  Remove
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {editing === null ? (
        <button type="button" disabled={busy} onClick={() => startEditing('new')}>
          Add another Keap app
        </button>
      ) : (
        <div className="connection-editor" role="group" aria-label={current ? 'Change Keap connection' : 'Add Keap connection'}>
          <label htmlFor={ids.app}>Keap app</label>
          <input
            id={ids.app}
            type="text"
            spellCheck={false}
            value={appName}
            placeholder="e.g. acme for acme.infusionsoft.com"
            aria-describedby={ids.appHelp}
            onChange={(event) => setAppName(event.target.value)}
          />
          <p id={ids.appHelp} className="help">
            Optional: left empty, Refund Desk binds the key to the first Keap page whose contact and orders match what the key’s API shows.
          </p>
          <label htmlFor={ids.key}>API key</label>
          <input
            id={ids.key}
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={apiKey}
            placeholder={current ? `Saved key ${current.maskedApiKey} — type to replace` : 'Paste a Personal Access Token or Service Account Key'}
            aria-describedby={ids.keyHelp}
            onChange={(event) => setApiKey(event.target.value)}
          />
          <p id={ids.keyHelp} className="help">
            Create one in Keap under Settings → API Settings. It stays in this browser and is sent only to Keap's API.
            {current ? ` Saved key: ${current.maskedApiKey}.` : ' No key saved yet.'}
          </p>
          <label htmlFor={ids.host}>API host</label>
          <select id={ids.host} value={apiHost} onChange={(event) => setApiHost(event.target.value as KeapApiHost)}>
            {KEAP_API_HOSTS.map((host) => (
              <option key={host} value={host}>
                {host}
              </option>
            ))}
          </select>
          <div className="row">
            <button type="button" disabled={busy} onClick={() => onTest({ ...(typedKey ? { apiKey: typedKey } : index !== undefined ? { index } : {}), apiHost })}>
              Test connection
            </button>
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => onSave({ ...(index !== undefined ? { index } : {}), appName, ...(typedKey ? { apiKey: typedKey } : {}), apiHost })}
            >
              Save connection
            </button>
            {connections.length > 0 && (
              <button type="button" disabled={busy} onClick={() => setEditing(null)}>
                Cancel
              </button>
            )}
          </div>
        </div>
      )}
      <p role="status" className={`feedback ${feedback?.tone ?? ''}`}>
        {feedback?.text}
      </p>
    </fieldset>
  );
}
