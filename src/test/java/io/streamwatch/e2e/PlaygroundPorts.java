package io.streamwatch.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;

/**
 * The ports a playground of a test listens on, given to {@code bin/playground} through its {@code
 * SW_*_PORT} variables, so a test's playground runs beside a user's (and another test's). The
 * broker's controller, the TaskManager's RPC and its metrics take the port after their base.
 */
record PlaygroundPorts(
        int kafka, int webUi, int rpc, int metrics, int prometheus, int alertmanager, int webhook) {

    /** Every port a playground with all its parts listens on. */
    List<Integer> all() {
        return List.of(
                kafka,
                kafka + 1,
                webUi,
                rpc,
                rpc + 1,
                metrics,
                metrics + 1,
                prometheus,
                alertmanager,
                webhook);
    }

    /** Sets the {@code SW_*_PORT} variables of {@code bin/playground} and {@code bin/cluster}. */
    void putInto(Map<String, String> environment) {
        environment.put("SW_KAFKA_PORT", Integer.toString(kafka));
        environment.put("SW_WEB_UI_PORT", Integer.toString(webUi));
        environment.put("SW_FLINK_RPC_PORT", Integer.toString(rpc));
        environment.put("SW_FLINK_METRICS_PORT", Integer.toString(metrics));
        environment.put("SW_PROMETHEUS_PORT", Integer.toString(prometheus));
        environment.put("SW_ALERTMANAGER_PORT", Integer.toString(alertmanager));
        environment.put("SW_WEBHOOK_PORT", Integer.toString(webhook));
    }

    /** Whether something accepts connections on {@code port} of the loopback address. */
    static boolean open(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
