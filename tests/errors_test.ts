import assert from "node:assert/strict";
import { netTarget } from "../src/cli/permission_check.ts";
import { lookupPermissionError, PermissionError, permissionHint } from "../src/errors.ts";

Deno.test("netTarget writes the host:port form --allow-net takes", () => {
  assert.equal(netTarget({ address: "127.0.0.1", port: 80 }), "127.0.0.1:80");
  assert.equal(netTarget({ address: "::1", port: 80 }), "[::1]:80");
  assert.equal(netTarget({ address: "::", port: 0 }), "[::]:0");
});

Deno.test("PermissionError is one line naming the flag, and a NotCapable error", () => {
  const error = new PermissionError("read", "/tmp/m.txt");
  assert.ok(error instanceof Deno.errors.NotCapable);
  assert.equal(
    permissionHint(error),
    "kali: permission denied: read access to /tmp/m.txt; grant it with --allow-read=/tmp/m.txt",
  );
});

Deno.test("permissionHint turns Deno's NotCapable message into the flag", () => {
  const error = new Deno.errors.NotCapable(
    'Requires net access to "[::]:8080", run again with the --allow-net flag\n    at foo',
  );
  assert.equal(
    permissionHint(error),
    "kali: permission denied: net access to [::]:8080; grant it with --allow-net=[::]:8080",
  );
  assert.equal(permissionHint(new Error("other")), null);
});

Deno.test("a lookup refused with EPERM names --allow-net=<host>", () => {
  const refused = Object.assign(new Error("getaddrinfo EPERM example.test"), { code: "EPERM" });
  assert.equal(
    lookupPermissionError(refused, "example.test")?.message,
    "kali: permission denied: net access to example.test; grant it with --allow-net=example.test",
  );
  const unknown = Object.assign(new Error("getaddrinfo ENOTFOUND x"), { code: "ENOTFOUND" });
  assert.equal(lookupPermissionError(unknown, "x"), null);
});
