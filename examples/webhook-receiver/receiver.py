# The same reviewer with Python's standard library only: add the hook, check each signature, answer in the room.
import base64, hmac, json, os, urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
SERVER, ROOM = os.environ.get("IM_SERVER", "http://127.0.0.1:7331"), os.environ["IM_ROOM"]
def call(path, body):
    auth = {"Authorization": "Bearer " + os.environ["IM_KEY"]} if os.environ.get("IM_KEY") else {}
    req = urllib.request.Request(SERVER + path, json.dumps(body).encode(), {"Content-Type": "application/json", **auth})
    return json.load(urllib.request.urlopen(req))
class Inbox(BaseHTTPRequestHandler):
    def do_POST(self):
        body, h = self.rfile.read(int(self.headers["Content-Length"])), self.headers
        signed = f"{h['webhook-id']}.{h['webhook-timestamp']}.".encode() + body
        mac = base64.b64encode(hmac.digest(base64.b64decode(SECRET.removeprefix("whsec_")), signed, "sha256")).decode()
        if not any(hmac.compare_digest("v1," + mac, s) for s in h["webhook-signature"].split()):
            return self.send_response(401) or self.end_headers()
        self.send_response(204); self.end_headers()
        task = json.loads(body)["data"]
        call(f"/agent/rooms/{ROOM}/messages", {"sender": "reviewer", "content": f"Reviewed: {task['content']}. Looks good.", "to": [task["sender"]], "type": "result", "replyTo": task["id"]})
    def log_message(self, *args): pass
http = HTTPServer(("127.0.0.1", 0), Inbox)
SECRET = call(f"/agent/rooms/{ROOM}/webhooks", {"url": f"http://127.0.0.1:{http.server_port}/inbox", "to": "reviewer"})["secret"]
print("ready", flush=True)
http.serve_forever()
