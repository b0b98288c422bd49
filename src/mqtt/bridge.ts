import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { LockbridgeError, toLockbridgeError } from '../core/errors';
import { mqttConfigProblems } from '../config/mqtt-rules';
import type { LockSource } from '../core/lock-source';
import { EventFanout } from '../core/events';
import type { Logger } from '../core/logger';
import type { Storage } from '../core/storage';
import { systemClock, type Clock } from '../core/clock';
import type { MqttConfig } from '../config/types';
import { BrokerAcl } from './broker-acl';
import { loadBrokerUsers } from './broker-users';
import { CommandGuard } from './command-guard';
import { MqttConnection } from './connection';
import { EmbeddedBroker } from './embedded-broker';
import { AccountsExtension } from './extensions/accounts';
import { AvailabilityExtension } from './extensions/availability';
import { BridgeHealthExtension } from './extensions/bridge-health';
import { BridgeInfoExtension } from './extensions/bridge-info';
import { BridgeStateExtension, OFFLINE } from './extensions/bridge-state';
import type { BridgeContext, CommandFailure, Extension, MessageGate } from './extensions/extension';
import { HomeAssistantEventsExtension } from './extensions/ha-events';
import { HomeAssistantExtension } from './extensions/home-assistant';
import { LockEventsExtension } from './extensions/lock-events';
import { LocksListExtension } from './extensions/locks-list';
import { RequestsExtension } from './extensions/requests';
import { SetCommandsExtension } from './extensions/set-commands';
import { StatePublisherExtension } from './extensions/state-publisher';
import { StateRequestsExtension } from './extensions/state-requests';
import { InFlightLimiter } from './limiter';
import { operations } from './operations';
import type { OperationTable } from './operations/operation';
import { Responder } from './responder';
import { DEFAULT_EMBEDDED_PORT, resolveSettings } from './settings';
import { systemTimers, type Timers } from './timers';
import { Topics } from './topics';

export interface MqttBridge {
  /** The mqtt:// URL clients should use (the embedded broker's, or the configured one). */
  brokerUrl: string;
  /** The embedded broker's mqtts:// URL, when it has a TLS listener. */
  tlsBrokerUrl?: string;
  stop(): Promise<void>;
}

export interface MqttBridgeOptions {
  source: LockSource;
  config: MqttConfig;
  logger: Logger;
  /** Lockbridge's version, for Home Assistant's device and origin info. */
  version?: string;
  /**
   * The storage directory (the CLI's --data-dir): the bridge records there what it published for Home
   * Assistant, so a later start can migrate or remove it. Without it nothing from earlier runs is cleaned.
   */
  storage?: Storage;
  /** Unlock codes by account id (the accounts' `unlockCode`), besides mqtt.unlockCodes by lock. */
  accountUnlockCodes?: Record<string, string>;
  clock?: Clock;
  /** Timers for debounced work (Home Assistant birth messages); tests fire them by hand. */
  timers?: Timers;
  /** Timers for the periodic bridge/health (its own, so tests of debounced work see only theirs). */
  healthTimers?: Timers;
  /** How long the first connection may take (default 10 s). */
  connectTimeoutMs?: number;
  /** Pause between reconnection attempts (default 2 s). */
  reconnectPeriodMs?: number;
  /** Requests running at once before new ones are answered with rate_limited (default 64). */
  maxInFlight?: number;
  /** Cluster mode (src/cluster): several daemons share this namespace on one external broker. */
  cluster?: ClusterBridgeOptions;
}

/**
 * What cluster mode changes in the bridge: one daemon answers each message (the gate); the
 * namespace-wide lists come from the cluster (its extensions replace bridge/locks, accounts and info);
 * the last will and the clean stop say "offline" on this node's own topic, since the namespace stays
 * served by the others; no persistent session (a command held for a daemon that was away would be
 * answered late, by then another daemon has answered it).
 */
export interface ClusterBridgeOptions {
  node: string;
  gate: MessageGate;
  /** Built once the context exists: the extensions that publish the namespace-wide topics. */
  extensions(ctx: BridgeContext): Extension[];
  /** Whether another daemon is live (a clean stop of the last one says bridge/state offline). */
  othersLive(): boolean;
  /** Requests about the whole namespace (`locks`, `accounts`), answered from the cluster's view. */
  operations: OperationTable;
}

/** How long an MQTT 5 broker keeps our session (and the commands it holds) after we went away. */
const SESSION_EXPIRY_SECONDS = 600;

/**
 * The same client id on every start, so the broker finds our session again: from this host, base
 * topic and broker (23 characters at most, the length every MQTT 3.1.1 broker must accept).
 */
export function defaultClientId(baseTopic: string, brokerUrl: string): string {
  const digest = createHash('sha256').update(`${hostname()}\0${baseTopic}\0${brokerUrl}`).digest('hex');
  return `lockbridge_${digest.slice(0, 12)}`;
}

/** The will connection's client id: another 23-character id derived from the main one. */
function willClientId(clientId: string): string {
  return `lbwill_${createHash('sha256').update(clientId).digest('hex').slice(0, 16)}`;
}

/** How long stop() waits for requests in flight to be answered. */
const STOP_GRACE_MS = 2000;

/**
 * Publishes every lock of a LockSource on MQTT and takes commands and requests from it. The composition
 * root of src/mqtt: the broker (embedded aedes unless a URL is configured), one connection, and one
 * extension per feature, each given its collaborators.
 */
export async function startMqttBridge(options: MqttBridgeOptions): Promise<MqttBridge> {
  const { config, source } = options;
  const logger = options.logger;
  const problems = mqttConfigProblems(config);
  if (problems.length > 0)
    throw new LockbridgeError('invalid_config', `Invalid configuration: ${problems.join('; ')}`);
  const settings = resolveSettings(config, options.accountUnlockCodes);
  const topics = new Topics(settings.baseTopic);
  const clock = options.clock ?? systemClock;

  let broker: EmbeddedBroker | undefined;
  const bridgeLogin = {
    username: `lockbridge-${randomBytes(6).toString('hex')}`,
    password: randomBytes(24).toString('hex'),
  };
  if (!config.url) {
    const embedded = config.embedded ?? {};
    const acl = new BrokerAcl({
      topics,
      discoveryPrefix: settings.homeAssistant.prefix,
      users: await loadBrokerUsers(embedded),
      bridgeLogin,
      allowedUsers: settings.allowedUsers,
    });
    broker = await EmbeddedBroker.start({
      host: embedded.host,
      port: embedded.port ?? DEFAULT_EMBEDDED_PORT,
      tls: embedded.tls,
      acl,
      logger: logger.child('broker'),
    });
    logger.info(
      `Embedded MQTT broker listening on ${broker.url}${broker.tlsUrl ? ` and ${broker.tlsUrl}` : ''}`,
    );
  }
  const brokerUrl = config.url ?? broker!.url;

  const clientId = config.clientId ?? defaultClientId(settings.baseTopic, brokerUrl);
  let connection: MqttConnection;
  let willConnection: MqttConnection | undefined;
  try {
    connection = await MqttConnection.connect({
      url: brokerUrl,
      username: broker ? bridgeLogin.username : config.username,
      password: broker ? bridgeLogin.password : config.password,
      clientId,
      ca: broker ? undefined : config.ca,
      cert: broker ? undefined : config.cert,
      key: broker ? undefined : config.key,
      rejectUnauthorized: config.rejectUnauthorized,
      protocolVersion: broker ? 4 : 'auto',
      will: {
        topic: options.cluster ? topics.nodeState(options.cluster.node) : topics.bridgeState,
        payload: OFFLINE,
      },
      logger: logger.child('mqtt'),
      connectTimeoutMs: options.connectTimeoutMs,
      reconnectPeriodMs: options.reconnectPeriodMs,
      // Commands published while we reconnect (or start) are held by the broker, then answered.
      persistentSession: options.cluster
        ? undefined
        : { barrierTopic: topics.bridgeSync, expirySeconds: SESSION_EXPIRY_SECONDS },
      clock,
    });
  } catch (err) {
    await broker?.stop();
    throw toLockbridgeError(err, 'vendor_unavailable');
  }
  try {
    // Cluster mode: an idle second connection whose last will says bridge/state offline when this
    // daemon dies (see BridgeStateExtension); the main one's will names the node's own topic.
    if (options.cluster)
      willConnection = await MqttConnection.connect({
        url: brokerUrl,
        username: config.username,
        password: config.password,
        clientId: willClientId(clientId),
        ca: config.ca,
        cert: config.cert,
        key: config.key,
        rejectUnauthorized: config.rejectUnauthorized,
        protocolVersion: 'auto',
        will: { topic: topics.bridgeState, payload: OFFLINE },
        logger: logger.child('mqtt-will'),
        connectTimeoutMs: options.connectTimeoutMs,
        reconnectPeriodMs: options.reconnectPeriodMs,
        clock,
      });
  } catch (err) {
    await connection.close();
    throw toLockbridgeError(err, 'vendor_unavailable');
  }

  const responder = new Responder(connection, topics, settings, logger);
  const ctx: BridgeContext = {
    source,
    connection,
    topics,
    settings,
    responder,
    logger,
    clock,
    timers: options.timers ?? systemTimers,
    version: options.version ?? '0.0.0',
    storage: options.storage,
    commandFailures: new EventFanout<CommandFailure>((err) =>
      logger.error(`A command failure listener threw: ${String(err)}`),
    ),
    gate: options.cluster?.gate,
  };
  const guard = new CommandGuard(settings, clock);
  const limiter = new InFlightLimiter(options.maxInFlight ?? 64);
  // Order matters: commands and requests are subscribed before anything is published, so a client
  // acting on the first state it sees is heard; a lock's state is out before the list names it.
  const cluster = options.cluster;
  const extensions: Extension[] = [
    new SetCommandsExtension(ctx, guard, limiter),
    new RequestsExtension(
      ctx,
      cluster ? { ...operations, ...cluster.operations } : operations,
      guard,
      limiter,
    ),
    new StateRequestsExtension(ctx),
    new BridgeStateExtension(
      ctx,
      cluster && { nodeTopic: topics.nodeState(cluster.node), othersLive: cluster.othersLive },
    ),
    ...(cluster ? [] : [new BridgeInfoExtension(ctx)]),
    new BridgeHealthExtension(ctx, limiter, options.healthTimers ?? systemTimers),
    ...(cluster ? [] : [new AccountsExtension(ctx)]),
    new StatePublisherExtension(ctx),
    new AvailabilityExtension(ctx),
    ...(cluster ? cluster.extensions(ctx) : [new LocksListExtension(ctx)]),
    new LockEventsExtension(ctx),
    new HomeAssistantExtension(ctx),
    new HomeAssistantEventsExtension(ctx),
  ];

  const unsubscribe = source.subscribe((event) => {
    if (event.type === 'lock_removed' && event.handover) {
      // Cluster mode: the lock went to another daemon; nothing retained about it is cleared.
      for (const extension of extensions) extension.forgetLock(event.lockId);
      return;
    }
    for (const extension of extensions) {
      try {
        extension.onLockEvent(event);
      } catch (err) {
        logger.error(`MQTT bridge failed on a ${event.type} event: ${toLockbridgeError(err).message}`);
      }
    }
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    unsubscribe();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      limiter.whenIdle(),
      new Promise<void>((r) => (timer = setTimeout(r, STOP_GRACE_MS))),
    ]);
    clearTimeout(timer);
    for (const extension of [...extensions].reverse()) {
      await extension
        .stop()
        .catch((err) => logger.warn(`Stopping an MQTT extension failed: ${toLockbridgeError(err).message}`));
    }
    await connection.close();
    // Closed cleanly, so its will (bridge/state offline) is not published: the last daemon's stop
    // has said offline itself, and the others still serve the namespace.
    await willConnection?.close();
    await broker?.stop();
  };

  try {
    for (const extension of extensions) await extension.start();
    connection.ready();
  } catch (err) {
    await stop();
    throw toLockbridgeError(err);
  }
  logger.info(`MQTT bridge online on ${brokerUrl} under ${settings.baseTopic}/`);
  return { brokerUrl, tlsBrokerUrl: broker?.tlsUrl, stop };
}
