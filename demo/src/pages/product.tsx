import { addToCart } from '../cart.js';
import { money, productBySku } from '../catalog.js';
import { linkTo } from '../router.js';
import { tracker } from '../tracker.js';

export function ProductPage({ sku }: { sku: string }) {
  const product = productBySku(sku);
  if (!product)
    return (
      <p>
        No such product. <a {...linkTo('/')}>All products</a>
      </p>
    );
  const add = () => {
    addToCart(product.sku);
    tracker.track('add_to_cart', { sku: product.sku, name: product.name, price: product.price });
  };
  return (
    <section class="product">
      <div class="swatch big" style={{ background: product.color }} />
      <div>
        <h1>{product.name}</h1>
        <p>{product.blurb}</p>
        <p class="price">{money(product.price)}</p>
        <button type="button" onClick={add} data-testid="add-to-cart">
          Add to cart
        </button>
      </div>
    </section>
  );
}
