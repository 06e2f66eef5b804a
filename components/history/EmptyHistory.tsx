export function EmptyHistory({ onOpenOptions }: { onOpenOptions: () => void }) {
  return (
    <section className="empty" aria-labelledby="empty-title">
      <h2 id="empty-title">No refunds yet</h2>
      <p>Open a contact in Keap and use the Refunds panel to refund a payment. Every refund made or recorded with Refund Desk is listed here.</p>
      <p>First time? Add your Keap API key so that refunds can be confirmed.</p>
      <button type="button" onClick={onOpenOptions}>
        Set up API key
      </button>
    </section>
  );
}
