import assert from "node:assert/strict";
import { netTarget } from "../src/cli/permission_check.ts";
import {
  FileReadError,
  lookupPermissionError,
  MAX_FILE_BYTES,
  PermissionError,
  permissionHint,
  readPermittedFile,
} from "../src/errors.ts";

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

Deno.test("readPermittedFile reads a file, and an empty device such as /dev/null", () => {
  const path = Deno.makeTempFileSync();
  try {
    Deno.writeTextFileSync(path, "hello");
    assert.equal(new TextDecoder().decode(readPermittedFile(path)), "hello");
    assert.equal(readPermittedFile("/dev/null").length, 0);
  } finally {
    Deno.removeSync(path);
  }
});

Deno.test("readPermittedFile refuses a file over the limit, and an endless device, in one line", () => {
  const path = Deno.makeTempFileSync();
  try {
    Deno.truncateSync(path, MAX_FILE_BYTES + 1); // sparse: nothing is written
    assert.throws(() => readPermittedFile(path), (error: FileReadError) => {
      assert.equal(error.lines.length, 1);
      assert.equal(error.message, `${path}: larger than 64 MiB, kali's limit`);
      return true;
    });
  } finally {
    Deno.removeSync(path);
  }
  assert.throws(() => readPermittedFile("/dev/zero"), /\/dev\/zero: larger than 64 MiB/);
  assert.throws(() => readPermittedFile("/tmp"), /\/tmp: Is a directory/);
});
