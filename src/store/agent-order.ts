// The order a room's agents are listed and exported in, the same in every store: oldest first, ties by name.
export const byCreation = (a: { name: string; createdAt: string }, b: { name: string; createdAt: string }): number =>
  a.createdAt.localeCompare(b.createdAt) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
