/// <reference types="vite-plugin-pwa/client" />

/** Set at build time (LUMEN_BUILD_ID, else the build's date and time). */
declare const __LUMEN_BUILD__: string;
