// The part of autocannon's API the load suite uses (the package ships no types).
declare module "autocannon" {
  interface AutocannonOptions {
    url: string;
    connections?: number;
    duration?: number;
    /** Seconds before a request counts as timed out. */
    timeout?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  }
  interface AutocannonResult {
    errors: number;
    timeouts: number;
    "2xx": number;
    "4xx": number;
    "5xx": number;
  }
  interface Instance extends PromiseLike<AutocannonResult> {
    on(event: "response", listener: (client: unknown, statusCode: number, bytes: number, ms: number) => void): this;
  }
  export default function autocannon(options: AutocannonOptions): Instance;
}
