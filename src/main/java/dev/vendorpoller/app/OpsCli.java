package dev.vendorpoller.app;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar vendor-poller.jar ops [--port N] FEED OPERATION [ARGUMENT]}: the HTTP operations of a running
 * service on this machine, from the command line. The token comes from {@code VENDOR_POLLER_OPS_TOKEN} (never an
 * argument: arguments show in {@code ps}); the port is the status page's, 9877 unless {@code --port} says otherwise.
 */
final class OpsCli {
    static final String USAGE = """
            usage: java -jar vendor-poller.jar ops [--port 9877] FEED OPERATION [ARGUMENT]
              operations: pause | resume | poll-now | reset-cursor CURSOR|START | replay-dead-letters
                          | replay-dead-letter ID | replay-rejects | replay-reject RECONCILIATION_KEY
              the token is read from VENDOR_POLLER_OPS_TOKEN (vendor-poller.ops.token of the running service)""";
    private static final Map<String, String> PATHS = Map.of("pause", "pause", "resume", "resume", "poll-now", "poll-now",
            "reset-cursor", "reset-cursor", "replay-dead-letters", "dead-letters/replay", "replay-rejects", "rejects/replay");

    private OpsCli() {
    }

    /** @return the exit code: 0 done, 1 refused or failed, 2 usage */
    static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        int port = 9877;
        List<String> rest = args;
        if (rest.size() >= 2 && rest.get(0).equals("--port")) {
            try {
                port = Integer.parseInt(rest.get(1));
            } catch (NumberFormatException e) {
                err.println(USAGE);
                return 2;
            }
            rest = rest.subList(2, rest.size());
        }
        if (rest.size() < 2 || rest.size() > 3) {
            err.println(USAGE);
            return 2;
        }
        String feed = rest.get(0);
        String operation = rest.get(1);
        String argument = rest.size() == 3 ? rest.get(2) : null;
        String path;
        String body = "";
        if (operation.equals("replay-dead-letter") && argument != null) {
            path = "dead-letters/" + argument + "/replay";
        } else if (operation.equals("replay-reject") && argument != null) {
            path = "rejects/" + argument + "/replay";
        } else if (operation.equals("reset-cursor") && argument != null) {
            path = PATHS.get(operation);
            body = argument;
        } else if (PATHS.containsKey(operation) && argument == null && !operation.equals("reset-cursor")) {
            path = PATHS.get(operation);
        } else {
            err.println(USAGE);
            return 2;
        }
        String token = env.getOrDefault("VENDOR_POLLER_OPS_TOKEN", "");
        if (token.isBlank()) {
            err.println("vendor-poller ops: set VENDOR_POLLER_OPS_TOKEN to the service's vendor-poller.ops.token");
            return 2;
        }
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ops/feeds/" + feed + "/" + path))
                            .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            (response.statusCode() == 200 ? out : err).print(response.body());
            return response.statusCode() == 200 ? 0 : 1;
        } catch (IOException e) {
            err.println("vendor-poller ops: no service answers on 127.0.0.1:" + port + " (" + e.getMessage() + ")");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
