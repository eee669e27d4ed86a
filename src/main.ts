// First: the stored light or dark choice, before anything is drawn (docs/design.md).
import './lib/theme/apply-early';
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import StartupError from './lib/components/StartupError.svelte';
import { AppState } from './lib/state/app-state';
import { pageContext } from './lib/state/context';
import { profileSetting, resolveSettings } from './lib/state/settings';
import { manifestProblem } from './lib/state/startup';

const target = document.getElementById('app')!;
const problem = manifestProblem();
if (problem) {
  mount(StartupError, { target, props: { message: problem } });
} else {
  const settings = resolveSettings(new URL(location.href), profileSetting());
  const appBase = new URL(import.meta.env.BASE_URL, location.href).href;
  const app = new AppState(settings, appBase);
  mount(App, { target, props: { app }, context: pageContext(app.thumbnails) });
  void app.start();
}
