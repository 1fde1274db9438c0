using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace BindingBehaviour.KernelTables;

/// <summary>
/// Parses what kernel_tables.bpf.c prints, one socket a line:
/// <c>tcp-listening bucket=- family=2 state=10 address=127.0.0.1 port=40000 reuse=1 reuseport=0 v6only=0 uid=0 netns=4026531833 inode=81234</c>.
/// A line that is not in this form is an error (the program and this parser are kept together), never skipped.
/// </summary>
public static class KernelTableLines
{
    private const int AfInet = 2, AfInet6 = 10;

    private static readonly string[] Keys = ["bucket", "family", "state", "address", "port", "reuse", "reuseport", "v6only", "uid", "netns", "inode"];

    /// <summary>Every line of an iterator's output; an empty output is an empty table.</summary>
    public static IReadOnlyList<KernelSocket> Parse(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ParseLine).ToList();

    public static KernelSocket ParseLine(string line)
    {
        var fields = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != Keys.Length + 1)
        {
            throw Bad(line, $"{fields.Length} fields, expected {Keys.Length + 1}");
        }

        var table = fields[0] switch
        {
            "tcp-listening" => KernelTable.TcpListening,
            "tcp-established" => KernelTable.TcpEstablished,
            "udp" => KernelTable.Udp,
            _ => throw Bad(line, $"unknown table \"{fields[0]}\""),
        };

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, key) in fields.Skip(1).Zip(Keys))
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || field[..equals] != key)
            {
                throw Bad(line, $"\"{field}\" where {key}=... belongs");
            }

            values[key] = field[(equals + 1)..];
        }

        var family = Number(line, values, "family") switch
        {
            AfInet => AddressFamily.InterNetwork,
            AfInet6 => AddressFamily.InterNetworkV6,
            var other => throw Bad(line, $"family {other} is neither AF_INET ({AfInet}) nor AF_INET6 ({AfInet6})"),
        };

        if (!IPAddress.TryParse(values["address"], out var address) || address.AddressFamily != family)
        {
            throw Bad(line, $"address \"{values["address"]}\" is not an {family} address");
        }

        int? bucket = values["bucket"] == "-" ? null : (int)Number(line, values, "bucket");
        if (table == KernelTable.Udp != bucket.HasValue)
        {
            throw Bad(line, table == KernelTable.Udp ? "a UDP entry needs its bucket" : "the TCP iterator gives no bucket");
        }

        var port = Number(line, values, "port");
        if (port > ushort.MaxValue)
        {
            throw Bad(line, $"port {port} is out of range");
        }

        return new KernelSocket(table, bucket, family, (int)Number(line, values, "state"), address, (int)port,
            (int)Number(line, values, "reuse"), (int)Number(line, values, "reuseport"), Number(line, values, "v6only") != 0,
            (uint)Number(line, values, "uid"), (uint)Number(line, values, "netns"), Inode(line, values));
    }

    private static long Number(string line, Dictionary<string, string> values, string key) =>
        long.TryParse(values[key], NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= int.MinValue && number <= uint.MaxValue
            ? number
            : throw Bad(line, $"{key}=\"{values[key]}\" is not a number");

    private static ulong Inode(string line, Dictionary<string, string> values) =>
        ulong.TryParse(values["inode"], NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
            ? inode
            : throw Bad(line, $"inode=\"{values["inode"]}\" is not a number");

    private static FormatException Bad(string line, string why) =>
        new($"Not a line of kernel_tables.bpf.c ({why}): \"{line.Trim()}\"");
}
