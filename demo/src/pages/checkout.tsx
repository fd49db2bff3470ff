import { useState } from 'preact/hooks';
import { cart, setCart } from '../cart.js';
import { money } from '../catalog.js';
import { tracker } from '../tracker.js';
import { cartTotal } from './cart.js';

/** Sends `confirmation` with an order id; "Pay again" resends the same order id, which the collector discards. */
export function CheckoutPage() {
  const [orderId, setOrderId] = useState(() => `ORD-${Date.now().toString(36).toUpperCase()}`);
  const [paid, setPaid] = useState<{ id: string; total: number } | null>(null);
  const pay = () => {
    const total = paid?.total ?? cartTotal();
    tracker.confirmation({ order_id: orderId, amount: total, items: cart.value.length });
    setPaid({ id: orderId, total });
    setCart([]);
  };
  return (
    <section>
      <h1>Checkout</h1>
      <label>
        Order id <input value={orderId} onInput={(e) => setOrderId(e.currentTarget.value)} data-testid="order-id" />
      </label>
      <p>Total {money(paid?.total ?? cartTotal())}</p>
      <button type="button" onClick={pay} data-testid="pay">
        {paid ? 'Pay again (same order id)' : 'Pay'}
      </button>
      {paid && (
        <p class="note" data-testid="paid">
          Order {paid.id} sent as a <code>confirmation</code>. Paying again sends the same order id: the collector keeps
          the first and discards the rest.
        </p>
      )}
    </section>
  );
}
