export interface Product {
  sku: string;
  name: string;
  price: number;
  blurb: string;
  color: string;
}

/** The shop's whole catalogue. */
export const products: Product[] = [
  {
    sku: 'mug-01',
    name: 'Tracklet mug',
    price: 12.5,
    blurb: 'Holds 350 ml of coffee and zero cookies.',
    color: '#f59e0b',
  },
  { sku: 'tee-02', name: 'Beacon T-shirt', price: 24, blurb: 'Soft cotton, sent with keepalive.', color: '#10b981' },
  { sku: 'cap-03', name: 'Headless cap', price: 18, blurb: 'Not for bots: they are filtered out.', color: '#6366f1' },
  {
    sku: 'pin-04',
    name: 'UTM pin set',
    price: 6.75,
    blurb: 'Five pins: source, medium, term, content, campaign.',
    color: '#ef4444',
  },
];

export const productBySku = (sku: string) => products.find((p) => p.sku === sku);
export const money = (n: number) => `€${n.toFixed(2)}`;
