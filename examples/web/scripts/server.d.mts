export declare const MIME: Record<string, string>;

export interface StaticServer {
  port: number;
  /** http://localhost:PORT/ */
  url: string;
  /** "METHOD path status" per request. */
  requests: string[];
  close(): Promise<void>;
}

export declare function startServer(
  root: string,
  options?: { port?: number; host?: string; isolate?: boolean; log?: boolean },
): Promise<StaticServer>;
