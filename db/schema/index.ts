export * from "./accounts";
export * from "./devices";
export * from "./rooms";
export * from "./discovery";
export * from "./health";
export * from "./history";
export * from "./statistics";
export * from "./automations";
