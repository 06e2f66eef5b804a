import { i18n } from '#i18n';

export function EmptyHistory({ onOpenOptions }: { onOpenOptions: () => void }) {
  return (
    <section className="empty" aria-labelledby="empty-title">
      <h2 id="empty-title">{i18n.t('history.empty.title')}</h2>
      <p>{i18n.t('history.empty.howTo')}</p>
      <p>{i18n.t('history.empty.firstTime')}</p>
      <button type="button" onClick={onOpenOptions}>
        {i18n.t('history.empty.setUpKey')}
      </button>
    </section>
  );
}
