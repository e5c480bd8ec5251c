import { lookUp, nameTable } from "../../text/name-table.js";

// Resource locations arrive as display names ("East US"), compact aliases ("EastUS") or codes ("eastus");
// a few older billing rows use the zone-first form ("US East", "EU West"). All become the ARM code.
const zoneFirst: Readonly<Record<string, string>> = nameTable({
  useast: "eastus",
  useast2: "eastus2",
  uscentral: "centralus",
  usnorthcentral: "northcentralus",
  ussouthcentral: "southcentralus",
  uswestcentral: "westcentralus",
  uswest: "westus",
  uswest2: "westus2",
  uswest3: "westus3",
  euwest: "westeurope",
  eunorth: "northeurope",
  apeast: "eastasia",
  apsoutheast: "southeastasia",
  jaeast: "japaneast",
  jawest: "japanwest",
  aueast: "australiaeast",
  ausoutheast: "australiasoutheast",
  brsouth: "brazilsouth",
});

/** The ARM region code for a ResourceLocation value; empty input gives "unassigned". */
export function normaliseRegion(location: string): string {
  const compact = location.toLowerCase().replace(/[\s_-]+/g, "");
  if (compact === "") return "unassigned";
  return lookUp(zoneFirst, compact) ?? compact;
}
