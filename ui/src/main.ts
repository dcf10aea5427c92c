// Web UI entry (placeholder until the UI issue lands).
export {};
