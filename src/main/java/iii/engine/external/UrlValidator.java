package iii.engine.external;

import iii.engine.external.ExternalError.Refused;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks an external function's URL as iii does (PROTOCOL.md §8.5), at registration and again before every call:
 * an absolute {@code http(s)} URL with a host; {@code https} unless {@code require-https} is off; and, unless the host
 * matches an allowed-host glob, no private address: a literal IP is checked directly, a name is resolved and every
 * address it resolves to is checked. Resolution blocks, so callers run this off the container's request threads.
 */
public final class UrlValidator {

    /** Looks a host name up; {@link InetAddress#getAllByName} outside tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final HttpFunctionsConfig config;
    private final Resolver resolver;
    private final List<Pattern> allowed;

    public UrlValidator(HttpFunctionsConfig config, Resolver resolver) {
        this.config = config;
        this.resolver = resolver;
        this.allowed = config.allowedHosts().stream().map(UrlValidator::glob).toList();
    }

    public UrlValidator(HttpFunctionsConfig config) {
        this(config, InetAddress::getAllByName);
    }

    /** The URL, checked; refused with {@code url_validation_failed} and the reason otherwise. */
    URI validate(String url) throws Refused {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            throw refused("Invalid URL: " + url);
        }
        var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw refused("Invalid URL (not http or https): " + url);
        }
        var host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw refused("Invalid URL (no host): " + url);
        }
        if (uri.getRawUserInfo() != null) {
            throw refused("Invalid URL (credentials in the URL are not accepted): " + url);
        }
        if (config.requireHttps() && !scheme.equals("https")) {
            throw refused("HTTPS is required: " + url);
        }
        var bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!config.blockPrivateIps() || isAllowed(bare)) {
            return uri;
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bare);
        } catch (UnknownHostException | SecurityException e) {
            throw refused("DNS lookup failed for " + bare);
        }
        for (var address : addresses) {
            if (isPrivate(address)) {
                throw refused("Private IP blocked: " + bare + " (" + address.getHostAddress() + ")");
            }
        }
        return uri;
    }

    private boolean isAllowed(String host) {
        var lower = host.toLowerCase(Locale.ROOT);
        return allowed.stream().anyMatch(glob -> glob.matcher(lower).matches());
    }

    /**
     * Loopback, RFC 1918, link-local (and so the 169.254.169.254 metadata address), broadcast, documentation,
     * unspecified and multicast IPv4 addresses, and their IPv6 counterparts (loopback, unique-local fc00::/7,
     * link-local fe80::/10, unspecified, multicast); IPv4-mapped and IPv4-compatible IPv6 by their IPv4 address.
     */
    static boolean isPrivate(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        var b = address.getAddress();
        if (address instanceof Inet4Address) {
            return isPrivateV4(b);
        }
        if (address instanceof Inet6Address v6) {
            if ((b[0] & 0xfe) == 0xfc) {
                return true; // unique local fc00::/7
            }
            if (v6.isIPv4CompatibleAddress() || isMappedV4(b)) {
                var v4 = new byte[] {b[12], b[13], b[14], b[15]};
                try {
                    return isPrivate(InetAddress.getByAddress(v4));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isPrivateV4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        return a0 == 0 // "this network", 0.0.0.0/8
                || a0 == 10 || a0 == 127
                || (a0 == 172 && a1 >= 16 && a1 <= 31) || (a0 == 192 && a1 == 168)
                || (a0 == 169 && a1 == 254)
                || (a0 == 192 && a1 == 0 && a2 == 2) || (a0 == 198 && a1 == 51 && a2 == 100)
                || (a0 == 203 && a1 == 0 && a2 == 113) // documentation
                || a0 >= 224; // multicast, reserved, broadcast
    }

    private static boolean isMappedV4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    static Pattern glob(String glob) {
        var regex = new StringBuilder();
        for (char c : glob.toLowerCase(Locale.ROOT).toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    private static Refused refused(String message) {
        return new Refused(ExternalError.URL_VALIDATION_FAILED, message);
    }
}
