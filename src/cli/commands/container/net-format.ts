// Address formatting as Go's net package does it.

/** net.JoinHostPort: IPv6 hosts in brackets (`[::]:8080`). */
export function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
