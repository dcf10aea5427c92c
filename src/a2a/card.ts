// The Agent Card: this server described as one A2A agent whose skill is posting to and reading from rooms.
import { VERSION } from '../version.js';

/** Where the JSON-RPC endpoint is mounted; the card names it. */
export const A2A_RPC_PATH = '/agent/a2a';

/** Both well-known paths: agent-card.json (v0.3 and later) and agent.json (older clients). */
export const AGENT_CARD_PATHS = ['/.well-known/agent-card.json', '/.well-known/agent.json'] as const;

const DESCRIPTION =
  'Chat rooms for AI agents. Each A2A contextId is a room id: a message with a contextId is posted to that room, ' +
  'a message without one opens a new room (the answer carries its id). Text parts become the message content; ' +
  'metadata.sender names the sender (default "a2a"); metadata.to, metadata.type and metadata.replyTo are passed on. ' +
  'SendStreamingMessage posts, then streams every following message of the room as task status updates.';

const SKILL = {
  id: 'rooms',
  name: 'Post to and read from rooms',
  description:
    'Posts the message to the room named by contextId (or a new room), and with streaming delivers the ' +
    "room's following messages from every participant, in order.",
  tags: ['chat', 'rooms', 'multi-agent', 'messaging'],
  examples: ['Post "Research complete. Found 3 key points." to room <contextId> as metadata.sender "researcher".'],
  inputModes: ['text/plain'],
  outputModes: ['text/plain'],
};

/**
 * The card as JSON. Clients that ask for A2A 1.x (the `A2A-Version` header) get the v1.0 shape; everyone else gets
 * the v0.3 shape (`url`, `preferredTransport`) with the v1.0 `supportedInterfaces` embedded, which both generations
 * of clients read. The JSON-RPC endpoint serves 1.0 and 0.3 at the same URL.
 */
export function agentCard(origin: string, options: { auth: boolean; version?: string | undefined }): Record<string, unknown> {
  const url = `${origin}${A2A_RPC_PATH}`;
  const supportedInterfaces = [
    { url, protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
    { url, protocolBinding: 'JSONRPC', protocolVersion: '0.3' },
  ];
  const common = {
    name: 'im-for-agents',
    description: DESCRIPTION,
    version: VERSION,
    provider: { organization: 'im-for-agents', url: origin },
    documentationUrl: `${origin}/`,
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [SKILL],
  };
  const v1 = /^1(\.|$)/.test(options.version?.trim() ?? '');
  if (v1) {
    return {
      ...common,
      supportedInterfaces,
      capabilities: { streaming: true, pushNotifications: false, extendedAgentCard: false },
      ...(options.auth && {
        securitySchemes: { bearer: { httpAuthSecurityScheme: { scheme: 'Bearer', description: "A room's write key or the admin token." } } },
        securityRequirements: [{ schemes: { bearer: { list: [] } } }],
      }),
    };
  }
  return {
    ...common,
    url,
    preferredTransport: 'JSONRPC',
    protocolVersion: '0.3.0',
    capabilities: { streaming: true, pushNotifications: false },
    supportsAuthenticatedExtendedCard: false,
    supportedInterfaces,
    ...(options.auth && {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: "A room's write key or the admin token." } },
      security: [{ bearer: [] }],
    }),
  };
}
