import { applyChoice, loadChoice, pageStorage } from './theme';

// Imported first by main.ts, so the stored theme is on <html> before the app is built. No inline
// script can do it sooner (the Content-Security-Policy forbids them): until this module runs,
// the page shows the system's theme, which for a choice that differs can flash for a frame.
applyChoice(document.documentElement, loadChoice(pageStorage()));
