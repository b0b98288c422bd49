import net from 'node:net';
import tls from 'node:tls';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { LockbridgeError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { BrokerAcl } from './broker-acl';
import { loadPem } from './tls';

export interface EmbeddedBrokerOptions {
  /** Default 127.0.0.1. Anything beyond loopback needs a login. */
  host?: string;
  /** Default 1883; 0 picks a free port. */
  port: number;
  /** PEM text or file paths; the TLS listener is on tls.port (default 8883, 0 = free port). */
  tls?: { cert: string; key: string; port?: number };
  acl: BrokerAcl;
  logger: Logger;
}

/** The embedded broker's port is taken (another lockbridge or MQTT broker): invalid_config, exit 2. */
export class PortInUseError extends LockbridgeError {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly setting: string,
  ) {
    super(
      'invalid_config',
      `The embedded MQTT broker cannot listen on ${host}:${port}: the port is already in use (is another lockbridge or MQTT broker running?); choose another port with ${setting}`,
    );
  }
}

/** CONNACK return code 4 (MQTT 3.1.1 "bad user name or password"). */
const BAD_LOGIN = 4;

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The embedded aedes broker: the default when no broker URL is configured. It listens on loopback
 * unless told otherwise, refuses to listen beyond loopback without a login, and enforces the bridge's
 * ACL (who may command, who may read responses, who may publish what the bridge owns).
 */
export class EmbeddedBroker {
  private readonly usernames = new WeakMap<Client, string | undefined>();
  private servers: net.Server[] = [];

  private constructor(
    private readonly broker: Aedes,
    private readonly options: EmbeddedBrokerOptions,
  ) {}

  /** mqtt:// URL of the plain listener, for clients on this machine. */
  url = '';
  /** mqtts:// URL of the TLS listener, when there is one. */
  tlsUrl?: string;

  static async start(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
    const host = options.host ?? '127.0.0.1';
    if (!isLoopbackHost(host) && !options.acl.hasLogin) {
      throw new LockbridgeError(
        'invalid_config',
        `The embedded MQTT broker will not listen on ${host} without a login: set mqtt.embedded.users ` +
          '(or username and password); anyone on the network could unlock your doors. Consider mqtt.embedded.tls',
      );
    }
    const broker = await Aedes.createBroker({ maxClientsIdLength: 64 });
    const self = new EmbeddedBroker(broker, options);
    self.installHooks();
    // No Nagle: small request/response packets would otherwise wait for delayed ACKs.
    const plain = net.createServer({ noDelay: true }, broker.handle);
    try {
      const port = await listen(plain, options.port, host, 'mqtt.embedded.port');
      self.servers.push(plain);
      self.url = `mqtt://${clientHost(host)}:${port}`;
      if (options.tls) {
        const secure = tls.createServer(
          {
            cert: loadPem(options.tls.cert, 'embedded.tls.cert'),
            key: loadPem(options.tls.key, 'embedded.tls.key'),
          },
          broker.handle,
        );
        const tlsPort = await listen(secure, options.tls.port ?? 8883, host, 'mqtt.embedded.tls.port');
        self.servers.push(secure);
        self.tlsUrl = `mqtts://${clientHost(host)}:${tlsPort}`;
      }
    } catch (err) {
      await self.stop();
      throw err;
    }
    return self;
  }

  private installHooks(): void {
    const { acl, logger } = this.options;
    this.broker.authenticate = (client, username, password, done) => {
      const refuse = () => {
        // The name, never the password; the logger escapes control characters in both.
        logger.warn(
          `MQTT login refused for client ${JSON.stringify(String(client.id).slice(0, 64))} as ${JSON.stringify((username ?? '(anonymous)').slice(0, 64))}`,
        );
        const error = Object.assign(new Error('Bad username or password'), { returnCode: BAD_LOGIN });
        done(error as AuthenticateError, false);
      };
      acl.authenticate(username, password).then(
        (ok) => {
          if (!ok) return refuse();
          this.usernames.set(client, username);
          done(null, true);
        },
        () => refuse(),
      );
    };
    this.broker.authorizePublish = (client, packet, callback) => {
      if (client === null) return callback(null); // the broker's own will of a client long gone
      const username = this.usernames.get(client);
      const verdict = acl.mayPublish(username, packet.topic, packet.retain);
      if (verdict.ok) return callback(null);
      // Never the payload: it may hold an unlock code or a PIN.
      const what = acl.isCommandTopic(packet.topic) ? 'a command' : 'a publish';
      logger.warn(
        `Refused ${what} on ${packet.topic.slice(0, 200)} from MQTT user ${JSON.stringify(username ?? '(anonymous)')}: ${verdict.reason}`,
      );
      callback(new Error(verdict.reason));
    };
    this.broker.authorizeSubscribe = (client, subscription, callback) => {
      const username = this.usernames.get(client);
      const verdict = acl.maySubscribe(username, subscription.topic);
      if (verdict.ok) return callback(null, subscription);
      logger.warn(
        `Refused a subscription to ${subscription.topic.slice(0, 200)} for MQTT user ${JSON.stringify(username ?? '(anonymous)')}: ${verdict.reason}`,
      );
      callback(null, null);
    };
    this.broker.on('clientError', (client, err) =>
      logger.debug(`MQTT client ${String(client.id).slice(0, 64)}: ${err.message}`),
    );
    this.broker.on('connectionError', (_client, err) =>
      logger.debug(`MQTT connection error: ${err.message}`),
    );
  }

  /** Closes the listeners, every client connection and the broker. */
  async stop(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
          }),
      ),
    );
  }
}

/** Listens; a taken port is a PortInUseError naming it, any other failure an invalid_config error. */
function listen(server: net.Server, port: number, host: string, setting: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new PortInUseError(host, port, setting));
      else
        reject(
          new LockbridgeError(
            'invalid_config',
            `The embedded MQTT broker cannot listen on ${host}:${port} (${err.code ?? 'error'}); check ${setting} and mqtt.embedded.host`,
          ),
        );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** Where a client on this machine reaches a listener bound to `host`. */
function clientHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === 'localhost') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
