import { cart, setCart } from '../cart.js';
import { money, productBySku } from '../catalog.js';
import { linkTo } from '../router.js';

export const cartTotal = () => cart.value.reduce((sum, l) => sum + (productBySku(l.sku)?.price ?? 0) * l.qty, 0);

export function CartPage() {
  const lines = cart.value;
  if (lines.length === 0)
    return (
      <section>
        <h1>Cart</h1>
        <p>
          Empty. <a {...linkTo('/')}>Find something</a>.
        </p>
      </section>
    );
  return (
    <section>
      <h1>Cart</h1>
      <ul class="lines">
        {lines.map((l) => (
          <li key={l.sku}>
            {productBySku(l.sku)?.name} × {l.qty}
            <button type="button" class="link" onClick={() => setCart(lines.filter((x) => x.sku !== l.sku))}>
              remove
            </button>
          </li>
        ))}
      </ul>
      <p class="price">Total {money(cartTotal())}</p>
      <a class="button" {...linkTo('/checkout')} data-testid="to-checkout">
        Checkout
      </a>
    </section>
  );
}
