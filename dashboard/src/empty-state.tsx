/** An account with no events yet: the snippet to paste, with this collector's address. */
export function EmptyState() {
  const snippet = `<script async src="${location.origin}/t.js" data-key="tk_pub_…"></script>`;
  return (
    <section class="panel empty-state">
      <h2>No events yet</h2>
      <p>Paste this tag into every page of your site (with your publishable key), then come back:</p>
      <pre>
        <code>{snippet}</code>
      </pre>
    </section>
  );
}
