package iii.engine.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A bare WebSocket upgrade request, to see the HTTP status an engine's listener answers it with. */
final class UpgradeProbe {

    private UpgradeProbe() {
    }

    /**
     * Sends an upgrade request for {@code /?query} (no query when null) with {@code headers} to {@code port} on
     * loopback and returns the status of the answer: 101 when it upgraded (the socket is then closed at once).
     */
    static int status(int port, Map<String, String> headers, String query) throws IOException {
        return statusOf(port, headers, "/" + (query == null ? "" : "?" + query));
    }

    /** As {@link #status}, for an upgrade request of {@code pathAndQuery}. */
    static int statusOf(int port, Map<String, String> headers, String pathAndQuery) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\n")
                    .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                    .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder status = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
                status.append((char) c);
            }
            String[] parts = status.toString().split(" ");
            if (parts.length < 2) {
                throw new IOException("no HTTP status line: '" + status + "'");
            }
            return Integer.parseInt(parts[1]);
        }
    }
}
