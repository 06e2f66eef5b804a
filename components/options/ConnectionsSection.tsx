import { useId, useState } from 'react';
import { i18n } from '#i18n';
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
      <legend>{i18n.t('options.connections.legend')}</legend>
      <p className="help">{i18n.t('options.connections.intro')}</p>
      {connections.length > 0 && (
        <ul className="connection-list" aria-label={i18n.t('options.connections.listLabel')}>
          {connections.map((connection, position) => (
            <li key={`${connection.appName ?? 'unbound'}:${connection.maskedApiKey}`}>
              <strong>{connection.appName ? appAddress(connection.appName) : i18n.t('options.connections.appNotKnown')}</strong>
              <span className="help">
                {connection.appName ? (connection.boundBy === 'page' ? ` ${i18n.t('options.connections.foundOnPage')}` : '') : ` ${i18n.t('options.connections.bindsToFirstPage')}`}
              </span>
              <span className="help"> {i18n.t('options.connections.keyAndHost', [connection.maskedApiKey, connection.apiHost])}</span>
              {connection.v1OnlyEndpoints && <p className="help">{i18n.t('options.connections.v1Only', [connection.v1OnlyEndpoints.join(', ')])}</p>}
              <div className="row">
                <button type="button" disabled={busy} onClick={() => startEditing(position)}>
                  {i18n.t('options.connections.change')}
                </button>
                <button type="button" disabled={busy} onClick={() => onTest({ index: position, apiHost: connection.apiHost })}>
                  {i18n.t('options.connections.test')}
                </button>
                <button type="button" disabled={busy} onClick={() => onRemove(position)}>
                  {i18n.t('options.connections.remove')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {editing === null ? (
        <button type="button" disabled={busy} onClick={() => startEditing('new')}>
          {i18n.t('options.connections.addAnother')}
        </button>
      ) : (
        <div className="connection-editor" role="group" aria-label={current ? i18n.t('options.connections.editorChange') : i18n.t('options.connections.editorAdd')}>
          <label htmlFor={ids.app}>{i18n.t('options.connections.appLabel')}</label>
          <input
            id={ids.app}
            type="text"
            spellCheck={false}
            value={appName}
            placeholder={i18n.t('options.connections.appPlaceholder')}
            aria-describedby={ids.appHelp}
            onChange={(event) => setAppName(event.target.value)}
          />
          <p id={ids.appHelp} className="help">
            {i18n.t('options.connections.appHelp')}
          </p>
          <label htmlFor={ids.key}>{i18n.t('options.connections.keyLabel')}</label>
          <input
            id={ids.key}
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={apiKey}
            placeholder={current ? i18n.t('options.connections.keyPlaceholderSaved', [current.maskedApiKey]) : i18n.t('options.connections.keyPlaceholderNew')}
            aria-describedby={ids.keyHelp}
            onChange={(event) => setApiKey(event.target.value)}
          />
          <p id={ids.keyHelp} className="help">
            {i18n.t('options.connections.keyHelp')} {current ? i18n.t('options.connections.keySaved', [current.maskedApiKey]) : i18n.t('options.connections.keyNotSaved')}
          </p>
          <label htmlFor={ids.host}>{i18n.t('options.connections.hostLabel')}</label>
          <select id={ids.host} value={apiHost} onChange={(event) => setApiHost(event.target.value as KeapApiHost)}>
            {KEAP_API_HOSTS.map((host) => (
              <option key={host} value={host}>
                {host}
              </option>
            ))}
          </select>
          <div className="row">
            <button type="button" disabled={busy} onClick={() => onTest({ ...(typedKey ? { apiKey: typedKey } : index !== undefined ? { index } : {}), apiHost })}>
              {i18n.t('options.connections.test')}
            </button>
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => onSave({ ...(index !== undefined ? { index } : {}), appName, ...(typedKey ? { apiKey: typedKey } : {}), apiHost })}
            >
              {i18n.t('options.connections.save')}
            </button>
            {connections.length > 0 && (
              <button type="button" disabled={busy} onClick={() => setEditing(null)}>
                {i18n.t('options.connections.cancel')}
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
