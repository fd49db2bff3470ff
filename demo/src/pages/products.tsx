import { money, products } from '../catalog.js';
import { linkTo } from '../router.js';

export function ProductsPage() {
  return (
    <section>
      <h1>Products</h1>
      <div class="grid">
        {products.map((p) => (
          <a class="card" key={p.sku} {...linkTo(`/product/${p.sku}`)} data-testid={`product-${p.sku}`}>
            <div class="swatch" style={{ background: p.color }} />
            <strong>{p.name}</strong>
            <span>{money(p.price)}</span>
          </a>
        ))}
      </div>
    </section>
  );
}
