import { registerSW } from 'virtual:pwa-register';
import { errorMessage } from '../../core/errors';

const ISOLATION_RELOAD_KEY = 'lumen.isolationReload';
const UPDATE_CHECK_MS = 60 * 60 * 1000;

/**
 * The installable, offline shell: registers the service worker, offers updates instead
 * of silently mixing versions, and reloads once when the worker can make the page
 * cross-origin isolated (static hosts cannot send the headers themselves).
 */
export class AppShell {
  readonly build = __LUMEN_BUILD__;
  readonly isolated = globalThis.crossOriginIsolated;
  #updateAvailable = $state(false);
  #offlineReady = $state(false);
  #error = $state<string | null>(null);
  #update: ((reload?: boolean) => Promise<void>) | undefined;
  #registration: ServiceWorkerRegistration | undefined;

  get updateAvailable(): boolean {
    return this.#updateAvailable;
  }
  get offlineReady(): boolean {
    return this.#offlineReady;
  }
  get error(): string | null {
    return this.#error;
  }

  start(): void {
    if (!('serviceWorker' in navigator)) return;
    this.#update = registerSW({
      immediate: true,
      onNeedRefresh: () => (this.#updateAvailable = true),
      onOfflineReady: () => (this.#offlineReady = true),
      onRegisteredSW: (_url, registration) => {
        this.#registration = registration;
        setInterval(() => void this.checkForUpdate(), UPDATE_CHECK_MS);
      },
      onRegisterError: (e: unknown) => {
        this.#error = `Offline support is unavailable: ${errorMessage(e)}`;
      },
    });
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      // Once, and only when isolation is what was missing: a second reload would not help.
      if (!this.isolated && !sessionStorage.getItem(ISOLATION_RELOAD_KEY)) {
        sessionStorage.setItem(ISOLATION_RELOAD_KEY, '1');
        location.reload();
      }
    });
  }

  async checkForUpdate(): Promise<void> {
    await this.#registration?.update().catch(() => undefined);
  }

  /** "Later": the waiting version activates on the next visit instead. */
  dismissUpdate(): void {
    this.#updateAvailable = false;
  }

  /** Activates the waiting version and reloads into it. */
  async applyUpdate(): Promise<void> {
    await this.#update?.(true);
  }
}
