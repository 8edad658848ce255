/** Compares the Consul versions peerings.yaml declares (`1.16`, `1.16.2`, `1.17.0-ent`) by major and minor. */

/** Whether `version` is older than major.minor; an unreadable version counts as not older. */
export function versionBelow(version: string, major: number, minor: number): boolean {
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (match === null) return false;
  const [have, haveMinor] = [Number(match[1]), Number(match[2])];
  return have < major || (have === major && haveMinor < minor);
}
