import { LivePanel } from './panel/live-panel.js';
import { AccountPage } from './pages/account.js';
import { CartPage } from './pages/cart.js';
import { CheckoutPage } from './pages/checkout.js';
import { LinksPage } from './pages/links.js';
import { ProductPage } from './pages/product.js';
import { ProductsPage } from './pages/products.js';
import { cart } from './cart.js';
import { linkTo, usePath } from './router.js';

function Page({ path }: { path: string }) {
  const product = /^\/product\/([\w-]+)$/.exec(path);
  if (product?.[1]) return <ProductPage sku={product[1]} />;
  if (path === '/cart') return <CartPage />;
  if (path === '/checkout') return <CheckoutPage />;
  if (path === '/account') return <AccountPage />;
  if (path === '/links') return <LinksPage />;
  return <ProductsPage />;
}

/** The shop on the left, the live view of what Tracklet stored on the right. */
export function App() {
  const path = usePath();
  const items = cart.value.reduce((n, l) => n + l.qty, 0);
  return (
    <div class="layout">
      <main class="shop">
        <nav class="nav">
          <a class="brand" {...linkTo('/')}>
            Tracklet shop
          </a>
          <a {...linkTo('/')}>Products</a>
          <a {...linkTo('/cart')} data-testid="nav-cart">
            Cart ({items})
          </a>
          <a {...linkTo('/account')}>Account</a>
          <a {...linkTo('/links')}>Campaign links</a>
          <a href="/demo/tag.html">Script-tag page</a>
        </nav>
        <Page path={path} />
      </main>
      <LivePanel />
    </div>
  );
}
