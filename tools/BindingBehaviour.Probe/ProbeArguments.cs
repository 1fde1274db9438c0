using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Matrix;
using BindingBehaviour.Native;

namespace BindingBehaviour.Probe;

/// <summary>Bad probe arguments: one line that says what is wrong; the command line exits with code 2.</summary>
public sealed class ProbeUsageException(string message) : Exception(message);

/// <summary>
/// The probe's syntax:
/// <code>
/// probe [--layer native|managed] [--json] STEP [, STEP ...]
///   STEP = SOCKET, or "listen N": socket N (counting from 1) listens now, after the sockets before this step bound,
///          or "connect N": a new socket (not numbered, not bound first) connects to socket N's port on loopback,
///          or "receive N COUNT TIMEOUT": UDP socket N waits for COUNT datagrams or TIMEOUT (5s, 500ms), after telling stderr it is ready
///   SOCKET = tcp|udp ADDRESS:PORT [+OPTION ...] [listen]
///   ADDRESS = an IPv4 address, or an IPv6 address in brackets: 127.0.0.1, [::1], [::ffff:127.0.0.1]
///   PORT = a number (0 lets the OS choose) or "same": the port the first socket got
///   OPTION, native = +reuseaddr +reuseport +exclusiveaddruse +v6only   (an IPv6 socket without +v6only gets IPV6_V6ONLY=0)
///                    +v6default (IPV6_V6ONLY left at the OS default) +freebind (IP_FREEBIND / IPV6_FREEBIND)
///   OPTION, managed = +reuseaddress +exclusiveaddressuse +dualmode      (an IPv6 socket without +dualmode keeps .NET's default)
///                     +freebind (the same Linux option through SetRawSocketOption)
/// probe matrix [--layer native|managed] [--out DIR] [--bench [RUNS]] [--json]
/// </code>
/// A new socket starts at each "tcp" or "udp"; commas between steps are optional.
/// </summary>
public static class ProbeArguments
{
    public const string Usage = """
        usage: probe [--layer native|managed] [--json] STEP [, STEP ...]
               probe --predict --os linux|windows|macos [--kernel X.Y] [--layer native|managed] [--json] STEP [, STEP ...]
               probe doctor tcp|udp ADDRESS:PORT [+OPTION ...] [listen] [--layer native|managed] [--json]
               probe matrix [--layer native|managed] [--out DIR] [--bench [RUNS]] [--json]
          --predict  the model's answer for that OS and the rule behind each step; opens no socket
          doctor     tries that bind here, lists every socket on the port (process, user) and says which conflict and why
          STEP    SOCKET, or listen N (socket N listens now), or connect N (a new socket connects to socket N's port
                  on loopback; the OS picks its local port), or receive N COUNT TIMEOUT (udp socket N waits for COUNT
                  datagrams or TIMEOUT such as 5s or 500ms; "probe: ready ..." on stderr says when to send)
          SOCKET  tcp|udp ADDRESS:PORT [+OPTION ...] [listen]     e.g. tcp 127.0.0.1:0 +reuseaddr listen, tcp [::]:same +v6only
          PORT    a number (0: the OS chooses) or same (the port the first socket got)
          native options   +reuseaddr +reuseport +exclusiveaddruse +v6only (IPv6 without +v6only: IPV6_V6ONLY=0)
                           +v6default (IPv6: leave IPV6_V6ONLY at the OS default) +freebind (IP_FREEBIND, IPV6_FREEBIND)
          managed options  +reuseaddress +exclusiveaddressuse +dualmode (IPv6 without +dualmode: .NET's default, DualMode off)
                           +freebind (IP_FREEBIND or IPV6_FREEBIND through SetRawSocketOption)
        examples: probe udp 127.0.0.1:0 udp 127.0.0.1:same
                  probe tcp 127.0.0.1:0 listen, udp 127.0.0.1:same
                  probe tcp 127.0.0.1:0 +reuseaddr, tcp 127.0.0.1:same +reuseaddr, listen 1, listen 2
                  probe tcp 127.0.0.1:5001 listen, tcp 127.0.0.1:5002 listen, connect 1, connect 2
                  probe udp 127.0.0.1:0 +reuseaddr, receive 1 10 5s
                  probe --predict --os windows tcp 0.0.0.0:0 listen, tcp 127.0.0.1:same listen
                  probe doctor tcp 127.0.0.1:8080 listen
                  probe matrix --layer native --out results/matrix
        """;

    private static readonly (string Token, ProbeExtras Flag, bool Native, bool Managed)[] ExtrasTokens =
    [
        ("+v6default", ProbeExtras.V6Default, true, false),
        ("+freebind", ProbeExtras.FreeBind, true, true),
    ];

    public static ProbeCommand Parse(IReadOnlyList<string> args)
    {
        var layer = Layer.Native;
        var json = false;
        string? outDirectory = null;
        int? bench = null;
        var predict = false;
        Os? os = null;
        Version? kernel = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--layer":
                    layer = (i + 1 < args.Count ? args[++i] : null) switch
                    {
                        "native" => Layer.Native,
                        "managed" => Layer.Managed,
                        var other => throw new ProbeUsageException($"--layer takes native or managed, not {Quote(other)}"),
                    };
                    break;
                case "--json":
                    json = true;
                    break;
                case "--predict":
                    predict = true;
                    break;
                case "--os":
                    os = (i + 1 < args.Count ? args[++i].ToLowerInvariant() : null) switch
                    {
                        "linux" => Os.Linux,
                        "windows" => Os.Windows,
                        "macos" => Os.MacOS,
                        var other => throw new ProbeUsageException($"--os takes linux, windows or macos, not {Quote(other)}"),
                    };
                    break;
                case "--kernel":
                    kernel = i + 1 < args.Count && ParseKernel(args[i + 1]) is { } release
                        ? release
                        : throw new ProbeUsageException($"--kernel takes a Linux release such as 5.15 or 6.1.0, not {Quote(i + 1 < args.Count ? args[i + 1] : null)}");
                    i++;
                    break;
                case "--out":
                    outDirectory = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                        ? args[++i]
                        : throw new ProbeUsageException("--out takes a directory");
                    break;
                case "--bench":
                    bench = 5;
                    if (i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var runs))
                    {
                        bench = runs is > 0 and <= 1000 ? runs : throw new ProbeUsageException("--bench takes a number of runs from 1 to 1000");
                        i++;
                    }

                    break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal))
                    {
                        throw new ProbeUsageException($"unknown flag {args[i]}");
                    }

                    rest.Add(args[i]);
                    break;
            }
        }

        if ((os is not null || kernel is not null) && !predict)
        {
            throw new ProbeUsageException("--os and --kernel belong to --predict");
        }

        if (rest is ["matrix", ..] || rest is ["doctor", ..])
        {
            if (predict)
            {
                throw new ProbeUsageException($"--predict answers a sequence of sockets, not \"probe {rest[0]}\"");
            }
        }

        if (rest is ["matrix"])
        {
            return new ProbeMatrixCommand(layer, json, outDirectory, bench);
        }

        if (outDirectory is not null || bench is not null)
        {
            throw new ProbeUsageException("--out and --bench belong to \"probe matrix\"");
        }

        if (rest is ["doctor", .. var socket])
        {
            return new ProbeDoctorCommand(layer, json, ParseDoctorSocket(layer, socket));
        }

        if (predict)
        {
            if (os is not { } target)
            {
                throw new ProbeUsageException("--predict needs --os linux, windows or macos");
            }

            if (kernel is not null && target != Os.Linux)
            {
                throw new ProbeUsageException("--kernel is a Linux release; it goes with --os linux");
            }

            return new ProbePredictCommand(layer, json, target, kernel, ParseSockets(layer, rest));
        }

        return new ProbeSequenceCommand(layer, json, ParseSockets(layer, rest));
    }

    /// <summary>"5.15", "6.1.0": two or three numbers; null for anything else.</summary>
    private static Version? ParseKernel(string text) =>
        text.Split('.') is { Length: 2 or 3 } parts && parts.All(p => p.Length is > 0 and < 6 && p.All(char.IsAsciiDigit))
            ? Version.Parse(text)
            : null;

    /// <summary>The one socket of "probe doctor": an explicit port from 1 to 65535, the matrix options, listen.</summary>
    private static ProbeSocket ParseDoctorSocket(Layer layer, List<string> args)
    {
        if (args.Count == 0)
        {
            throw new ProbeUsageException("doctor needs a socket, e.g. probe doctor tcp 127.0.0.1:8080 listen");
        }

        var steps = ParseSockets(layer, args);
        if (steps is not [ProbeSocket socket])
        {
            throw new ProbeUsageException("doctor takes one socket: tcp|udp ADDRESS:PORT [+OPTION ...] [listen]");
        }

        if (socket.Port is not (> 0 and <= 65535))
        {
            throw new ProbeUsageException("doctor needs the port to look at, from 1 to 65535 (port 0 lets the OS choose a free one: nothing to diagnose)");
        }

        return socket.Extras == ProbeExtras.None
            ? socket
            : throw new ProbeUsageException($"doctor takes the matrix options only, not {ExtraTokens(socket.Extras)}");
    }

    /// <summary>The option tokens of a socket, in the syntax's order: "+reuseaddr +v6only".</summary>
    public static string OptionTokens(Layer layer, int options) => MatrixWords.OptionTokens(layer, options);

    /// <summary>The tokens of the probe's own options, in the syntax's order: "+v6default +freebind".</summary>
    public static string ExtraTokens(ProbeExtras extras) =>
        string.Join(' ', ExtrasTokens.Where(t => (extras & t.Flag) != 0).Select(t => t.Token));

    private static List<ProbeStep> ParseSockets(Layer layer, List<string> args)
    {
        // Commas may stand alone or stick to a word ("listen,"): they only separate, so split them off.
        var tokens = args.SelectMany(a => a.Split(',')).Select(t => t.Trim()).Where(t => t.Length > 0).ToList();
        if (tokens.Count == 0)
        {
            throw new ProbeUsageException("no socket given; start with tcp or udp, e.g. probe udp 127.0.0.1:0 udp 127.0.0.1:same");
        }

        var steps = new List<ProbeStep>();
        var sockets = new List<ProbeSocket>();
        var i = 0;
        while (i < tokens.Count)
        {
            if (IsLaterStep(tokens, i))
            {
                steps.Add(ParseLaterStep(tokens, ref i, sockets));
                continue;
            }

            var protocol = tokens[i].ToLowerInvariant() switch
            {
                "tcp" => Transport.Tcp,
                "udp" => Transport.Udp,
                _ => throw new ProbeUsageException($"expected tcp, udp or listen N to start step {steps.Count + 1}, not {Quote(tokens[i])}"),
            };
            if (++i >= tokens.Count)
            {
                throw new ProbeUsageException($"socket {sockets.Count + 1} needs ADDRESS:PORT after {MatrixWords.Proto(protocol)}");
            }

            var (address, port) = ParseEndPoint(tokens[i++], sockets.Count + 1);
            if (port is null && sockets.Count == 0)
            {
                throw new ProbeUsageException("the first socket cannot take the port \"same\": give it a number (0 lets the OS choose)");
            }

            var options = 0;
            var extras = ProbeExtras.None;
            var listen = false;
            while (i < tokens.Count && tokens[i].ToLowerInvariant() is not ("tcp" or "udp") && !IsLaterStep(tokens, i))
            {
                var token = tokens[i++].ToLowerInvariant();
                if (token == "listen")
                {
                    listen = protocol == Transport.Tcp
                        ? true
                        : throw new ProbeUsageException($"socket {sockets.Count + 1}: listen is for tcp sockets only");
                }
                else if (ExtrasTokens.FirstOrDefault(t => t.Token == token && (layer == Layer.Native ? t.Native : t.Managed)) is { Token: not null } extra)
                {
                    extras |= extra.Flag;
                }
                else
                {
                    options |= ParseOption(layer, token, sockets.Count + 1);
                }
            }

            if ((extras & ProbeExtras.V6Default) != 0
                && (address.AddressFamily != AddressFamily.InterNetworkV6 || (options & (int)NativeOptions.V6Only) != 0))
            {
                throw new ProbeUsageException($"socket {sockets.Count + 1}: +v6default is for IPv6 addresses without +v6only");
            }

            var v6Flag = MatrixLayout.IPv6Variant(layer);
            if ((options & v6Flag) != 0 && address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw new ProbeUsageException($"socket {sockets.Count + 1}: {OptionTokens(layer, v6Flag)} is for IPv6 addresses only");
            }

            var socket = new ProbeSocket(protocol, address, port, options, listen, extras);
            sockets.Add(socket);
            steps.Add(socket);
        }

        return steps;
    }

    /// <summary>
    /// "listen", "connect" or "receive" followed by a number is a step of its own; "listen" alone belongs to the socket
    /// before it.
    /// </summary>
    private static bool IsLaterStep(List<string> tokens, int i) =>
        tokens[i].ToLowerInvariant() is "listen" or "connect" or "receive"
        && i + 1 < tokens.Count
        && int.TryParse(tokens[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static ProbeStep ParseLaterStep(List<string> tokens, ref int i, List<ProbeSocket> sockets)
    {
        var word = tokens[i].ToLowerInvariant();
        var number = int.Parse(tokens[i + 1], CultureInfo.InvariantCulture);
        i += 2;
        if (number < 1 || number > sockets.Count)
        {
            throw new ProbeUsageException($"{word} {number}: there is no socket {number} before this step");
        }

        var target = sockets[number - 1];
        switch (word)
        {
            case "listen":
                return target.Transport == Transport.Tcp
                    ? new ProbeListen(number)
                    : throw new ProbeUsageException($"listen {number}: socket {number} is udp; listen is for tcp sockets only");
            case "connect":
                // The connection goes to loopback only: to socket N's own address, or to loopback when N is on the wildcard.
                return IPAddress.IsLoopback(target.Address) || target.Address.Equals(IPAddress.Any) || target.Address.Equals(IPAddress.IPv6Any)
                    ? new ProbeConnect(number)
                    : throw new ProbeUsageException($"connect {number}: socket {number} is on {target.Address}; connect goes to loopback or wildcard sockets only");
            default:
                if (target.Transport != Transport.Udp)
                {
                    throw new ProbeUsageException($"receive {number}: socket {number} is tcp; receive is for udp sockets only");
                }

                if (i + 1 >= tokens.Count
                    || !int.TryParse(tokens[i], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > 10_000
                    || ParseTimeout(tokens[i + 1]) is not { } timeout)
                {
                    throw new ProbeUsageException($"receive {number} takes COUNT (1 to 10000) and TIMEOUT (up to 60s, such as 5s or 500ms)");
                }

                i += 2;
                return new ProbeReceive(number, count, timeout);
        }
    }

    /// <summary>"5s" or "500ms", more than zero and at most a minute; null for anything else.</summary>
    private static TimeSpan? ParseTimeout(string text)
    {
        var milliseconds = text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? text[..^2]
            : text.EndsWith('s') || text.EndsWith('S') ? text[..^1] : null;
        if (milliseconds is null || !int.TryParse(milliseconds, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        var timeout = text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? TimeSpan.FromMilliseconds(value) : TimeSpan.FromSeconds(value);
        return timeout > TimeSpan.Zero && timeout <= TimeSpan.FromMinutes(1) ? timeout : null;
    }

    private static int ParseOption(Layer layer, string token, int socket)
    {
        if (MatrixWords.ParseOptionToken(layer, token) is { } flag)
        {
            return flag;
        }

        var native = MatrixWords.NativeOptionWords.Select(t => t.Token).Concat(ExtrasTokens.Where(t => t.Native).Select(t => t.Token)).ToList();
        var managed = MatrixWords.ManagedOptionWords.Select(t => t.Token).Concat(ExtrasTokens.Where(t => t.Managed).Select(t => t.Token)).ToList();
        var other = layer == Layer.Native ? managed : native;
        var valid = layer == Layer.Native ? native : managed;
        var hint = other.Contains(token)
            ? $"{token} belongs to the {(layer == Layer.Native ? "managed" : "native")} layer"
            : $"unknown word {Quote(token)}";
        throw new ProbeUsageException($"socket {socket}: {hint}; {MatrixWords.Layer(layer)} options are {string.Join(' ', valid)}, then optionally listen");
    }

    private static (IPAddress Address, int? Port) ParseEndPoint(string text, int socket)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0)
        {
            throw new ProbeUsageException($"socket {socket}: {Quote(text)} is not ADDRESS:PORT (IPv6 in brackets, e.g. [::1]:0)");
        }

        var host = text[..colon];
        var portText = text[(colon + 1)..];
        var bracketed = host.StartsWith('[') && host.EndsWith(']');
        if (!bracketed && host.Contains(':', StringComparison.Ordinal))
        {
            throw new ProbeUsageException($"socket {socket}: write the IPv6 address in brackets, e.g. [{host}]:{portText}");
        }

        var bare = bracketed ? host[1..^1] : host;
        if (!IPAddress.TryParse(bare, out var address)
            || (bracketed != (address.AddressFamily == AddressFamily.InterNetworkV6))
            || (!bracketed && bare.Count(c => c == '.') != 3))
        {
            throw new ProbeUsageException($"socket {socket}: {Quote(host)} is not an IPv4 address or a bracketed IPv6 address");
        }

        if (portText == "same")
        {
            return (address, null);
        }

        return int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535
            ? (address, port)
            : throw new ProbeUsageException($"socket {socket}: port {Quote(portText)} is not a number from 0 to 65535 or \"same\"");
    }

    private static string Quote(string? text) => text is null ? "nothing" : $"\"{text}\"";
}
