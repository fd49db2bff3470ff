/** Landing links with UTM tags and ad click ids: open one and watch the first and last touch in the panel. */
const links = [
  { label: 'Newsletter (November)', query: 'utm_source=newsletter&utm_medium=email&utm_campaign=november' },
  { label: 'Google Ads click', query: 'utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=EAIaIQobChMI-demo' },
  { label: 'Facebook ad', query: 'utm_source=facebook&utm_medium=paid_social&utm_content=carousel&fbclid=IwAR-demo' },
  { label: 'Microsoft Ads', query: 'utm_source=bing&utm_medium=cpc&msclkid=demo-msclkid' },
  { label: 'TikTok', query: 'utm_source=tiktok&utm_medium=video&ttclid=demo-ttclid' },
];

export function LinksPage() {
  return (
    <section>
      <h1>Campaign links</h1>
      <p>Each opens the shop as a new landing. The first touch is kept; the last touch follows the newest campaign.</p>
      <ul class="lines">
        {links.map((l) => (
          <li key={l.label}>
            <a href={`/demo/?${l.query}`}>{l.label}</a> <code>?{l.query}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
