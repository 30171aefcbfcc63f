// One import() site per lazily loaded module: a bundler makes a chunk group per site, so a preload from one
// place and a next/dynamic from another would fetch the same code twice.

export const loadHistoryPanel = () => import("./history-panel");
export const loadLineChart = () => import("./line-chart");
