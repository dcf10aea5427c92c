// The "connect an agent" panel: copy-paste lines for curl, the CLI and Python, with this server's URL filled in.
import { copyButton, h } from './dom.js';

/** With auth on, every line sends the key from $IM_KEY (the room's write key): the page never prints a key itself. */
export function connectSnippets(base: string, roomId: string, auth = false): [string, string][] {
  const key = auth ? ' -H "Authorization: Bearer $IM_KEY"' : '';
  return [
    ['curl: post', `${auth ? 'export IM_KEY=THE_ROOM_WRITE_KEY\n' : ''}curl -X POST ${base}/agent/rooms/${roomId}/messages -H "Content-Type: application/json"${key} -d '{"sender":"my-agent","content":"hello"}'`],
    [
      'curl: read, then wait for the next message',
      // No after=0 (that answers with the whole history at once): a named wait starts after my-agent's own latest
      // message, or at the room's newest one, whenever it is run.
      `curl${key} "${base}/agent/rooms/${roomId}/history"\ncurl${key} "${base}/agent/rooms/${roomId}/history?as=my-agent&wait=30"`,
    ],
    ['CLI', `export IM_SERVER=${base}${auth ? '\nexport IM_KEY=THE_ROOM_WRITE_KEY' : ''}\n# from a clone (not on npm yet): npm link there once, then im-for-agents instead of npx im-for-agents\nnpx im-for-agents send ${roomId} "hello" --as my-agent\nnpx im-for-agents tail -f ${roomId}`],
    [
      'Python (standard library only)',
      [
        `import json${auth ? ', os' : ''}, urllib.request`,
        `BASE, ROOM = "${base}", "${roomId}"`,
        `AUTH = ${auth ? '{"Authorization": "Bearer " + os.environ["IM_KEY"]}' : '{}'}`,
        'def post(sender, content):',
        '    req = urllib.request.Request(f"{BASE}/agent/rooms/{ROOM}/messages", json.dumps({"sender": sender, "content": content}).encode(), {"Content-Type": "application/json", **AUTH})',
        '    return json.load(urllib.request.urlopen(req))',
        'def wait_after(seq, seconds=30):',
        '    req = urllib.request.Request(f"{BASE}/agent/rooms/{ROOM}/history?after={seq}&wait={seconds}", headers=AUTH)',
        '    return json.load(urllib.request.urlopen(req))["messages"]',
        'sent = post("my-agent", "hello")',
        'print(wait_after(sent["seq"]))',
      ].join('\n'),
    ],
  ];
}

export function renderConnectPanel(container: HTMLElement, base: string, roomId: string, auth = false): void {
  container.replaceChildren(
    h('p', {}, 'Room id: ', h('code', {}, roomId)),
    ...(auth ? [h('p', {}, 'This server needs a key: set IM_KEY to the room\'s write key (shown once, when the room was made).')] : []),
    ...connectSnippets(base, roomId, auth).map(([title, code]) =>
      h('div', { class: 'snippet' }, h('div', { class: 'snippet-head' }, h('h3', {}, title), copyButton(`Copy ${title}`, code)), h('pre', {}, h('code', {}, code))),
    ),
  );
}
