import { useEffect, useState } from 'preact/hooks';

/** A tiny history router for /demo/…: links push state (the tracker counts each as a page view). */
const base = '/demo';

export const path = () => location.pathname.replace(/^\/demo/, '') || '/';

export function navigate(to: string): void {
  history.pushState(null, '', base + to);
  dispatchEvent(new Event('demo:navigate'));
}

export function usePath(): string {
  const [current, setCurrent] = useState(path());
  useEffect(() => {
    const update = () => setCurrent(path());
    addEventListener('popstate', update);
    addEventListener('demo:navigate', update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener('demo:navigate', update);
    };
  }, []);
  return current;
}

export const linkTo = (to: string) => ({
  href: base + to,
  onClick: (e: MouseEvent) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    navigate(to);
  },
});
