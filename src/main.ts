import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { Lumen } from './lib/state/lumen.svelte';
import { resolveSettings } from './lib/state/settings';

const settings = resolveSettings(new URL(location.href), localStorage);
const appBase = new URL(import.meta.env.BASE_URL, location.href).href;
const lumen = new Lumen(settings, appBase);

mount(App, { target: document.getElementById('app')!, props: { lumen } });
void lumen.start();
