import { filterMatches } from "@/devices/mqtt-acl/acl-rules";

/** Whether an MQTT topic matches a subscription pattern with `+` and `#` wildcards [MQTT-4.7] (one matcher with the ACLs'). */
export function topicMatches(pattern: string, topic: string): boolean {
  return filterMatches(pattern.split("/"), topic.split("/"));
}
