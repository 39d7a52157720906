import { Agent, type Dispatcher, EnvHttpProxyAgent, ProxyAgent } from "undici";

/** `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`: the proxy every call to Google takes unless its key names one. */
export interface OutboundProxySettings {
  readonly httpsProxy: string | undefined;
  readonly httpProxy: string | undefined;
  readonly noProxy: string | undefined;
}

/** Keep-alive connection pools, unbounded in count (measured in the benchmark). */
const POOL_OPTIONS = { keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connections: null } as const;

/**
 * Which undici dispatcher carries a call to Google: the key's own `proxy=` when it has one, else the
 * global proxy settings, else a direct connection. Proxies may be `http://`, `https://` or `socks5://`
 * (undici's ProxyAgent opens SOCKS5 tunnels itself, on port 1080 when the URL names none). One pool per
 * proxy, kept for the process's life.
 */
export class OutboundDispatchers {
  private readonly global: Dispatcher;
  private readonly byKeyProxy = new Map<string, ProxyAgent>();

  constructor(settings: OutboundProxySettings) {
    const anyGlobalProxy = settings.httpsProxy !== undefined || settings.httpProxy !== undefined;
    // Without a global proxy the plain Agent keeps the hot path as it was. The settings are passed as ""
    // when unset because EnvHttpProxyAgent would otherwise read process.env itself.
    this.global = anyGlobalProxy
      ? new EnvHttpProxyAgent({
          ...POOL_OPTIONS,
          httpsProxy: settings.httpsProxy ?? "",
          httpProxy: settings.httpProxy ?? "",
          noProxy: settings.noProxy ?? "",
        })
      : new Agent(POOL_OPTIONS);
  }

  /** The dispatcher for a call made with a key whose line names `keyProxy` (or none). */
  for(keyProxy: string | undefined): Dispatcher {
    if (!keyProxy) return this.global;
    let agent = this.byKeyProxy.get(keyProxy);
    if (!agent) {
      agent = new ProxyAgent({ uri: keyProxy, keepAliveTimeout: POOL_OPTIONS.keepAliveTimeout });
      this.byKeyProxy.set(keyProxy, agent);
    }
    return agent;
  }

  async close(): Promise<void> {
    await Promise.allSettled([
      this.global.close(),
      ...[...this.byKeyProxy.values()].map((agent) => agent.close()),
    ]);
  }
}
