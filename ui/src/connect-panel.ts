// The "connect an agent" panel: copy-paste lines for curl, the CLI and Python, with this server's URL filled in.
import { copyButton, h } from './dom.js';

export function connectSnippets(base: string, roomId: string): [string, string][] {
  return [
    ['curl: post', `curl -X POST ${base}/agent/rooms/${roomId}/messages -H "Content-Type: application/json" -d '{"sender":"my-agent","content":"hello"}'`],
    ['curl: read, then wait for the next message', `curl "${base}/agent/rooms/${roomId}/history"\ncurl "${base}/agent/rooms/${roomId}/history?after=0&wait=30"`],
    ['CLI', `export IM_SERVER=${base}\n# from a clone (not on npm yet): npm link there once, then im-for-agents instead of npx im-for-agents\nnpx im-for-agents send ${roomId} "hello" --as my-agent\nnpx im-for-agents tail -f ${roomId}`],
    [
      'Python (standard library only)',
      [
        'import json, urllib.request',
        `BASE, ROOM = "${base}", "${roomId}"`,
        'def post(sender, content):',
        '    req = urllib.request.Request(f"{BASE}/agent/rooms/{ROOM}/messages", json.dumps({"sender": sender, "content": content}).encode(), {"Content-Type": "application/json"})',
        '    return json.load(urllib.request.urlopen(req))',
        'def wait_after(seq, seconds=30):',
        '    return json.load(urllib.request.urlopen(f"{BASE}/agent/rooms/{ROOM}/history?after={seq}&wait={seconds}"))["messages"]',
        'sent = post("my-agent", "hello")',
        'print(wait_after(sent["seq"]))',
      ].join('\n'),
    ],
  ];
}

export function renderConnectPanel(container: HTMLElement, base: string, roomId: string): void {
  container.replaceChildren(
    h('p', {}, 'Room id: ', h('code', {}, roomId)),
    ...connectSnippets(base, roomId).map(([title, code]) =>
      h('div', { class: 'snippet' }, h('div', { class: 'snippet-head' }, h('h3', {}, title), copyButton(`Copy ${title}`, code)), h('pre', {}, h('code', {}, code))),
    ),
  );
}
