import type { MqttConfig } from './types';

/**
 * The MQTT settings rules a JSON Schema cannot say, each naming the field at fault. Checked by
 * validateConfig (so `lockbridge run` exits 2) and again by the bridge for callers that build a
 * config in code.
 */
export function mqttConfigProblems(mqtt: MqttConfig | undefined): string[] {
  if (!mqtt) return [];
  const problems: string[] = [];
  const embedded = mqtt.embedded ?? {};
  const users = embedded.users ?? [];
  const allowed = mqtt.allowedUsers ?? [];

  if (mqtt.url && embedded.users)
    problems.push(
      "mqtt.embedded.users applies to the embedded broker only; with mqtt.url, give users their rights in your broker's ACL",
    );
  if (users.length > 0 && (embedded.username !== undefined || embedded.password !== undefined))
    problems.push(
      'mqtt.embedded.username and password cannot be combined with mqtt.embedded.users; add that login to the users',
    );
  const seen = new Set<string>();
  for (const [i, user] of users.entries()) {
    if (seen.has(user.username)) problems.push(`mqtt.embedded.users[${i}].username is used twice`);
    seen.add(user.username);
  }

  if (allowed.length > 0) {
    if (mqtt.url || users.length === 0) {
      problems.push(
        'mqtt.allowedUsers needs per-user credentials: a user name alone proves nothing (any client may claim it). ' +
          (mqtt.url
            ? "With an external broker (mqtt.url), give users their rights in the broker's ACL and remove mqtt.allowedUsers"
            : 'List each user in mqtt.embedded.users with a passwordHash (lockbridge hash-password) or passwordFile and rights "command" or "read"'),
      );
    } else {
      for (const [i, name] of allowed.entries()) {
        const user = users.find((u) => u.username === name);
        if (!user) problems.push(`mqtt.allowedUsers[${i}] names no user of mqtt.embedded.users`);
        else if (user.rights !== 'command')
          problems.push(`mqtt.allowedUsers[${i}] names a user whose rights are "read"`);
      }
    }
  }
  return problems;
}
