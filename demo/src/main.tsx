import { render } from 'preact';
import { App } from './app.js';
import './styles.css';
import { startTracker } from './tracker.js';

startTracker().then(
  () => render(<App />, document.getElementById('app')!),
  () => {
    document.body.textContent = 'The demo needs the collector: start it with npm start and open /demo/.';
  },
);
