import { signal } from '@preact/signals';

export interface CartLine {
  sku: string;
  qty: number;
}

const KEY = 'demo_cart';
const load = (): CartLine[] => {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '[]') as CartLine[];
  } catch {
    return [];
  }
};

/** The cart, kept in localStorage so it survives reloads. */
export const cart = signal<CartLine[]>(load());

export function setCart(lines: CartLine[]): void {
  cart.value = lines;
  localStorage.setItem(KEY, JSON.stringify(lines));
}

export function addToCart(sku: string): void {
  const lines = cart.value.map((l) => (l.sku === sku ? { ...l, qty: l.qty + 1 } : l));
  setCart(lines.some((l) => l.sku === sku) ? lines : [...lines, { sku, qty: 1 }]);
}
