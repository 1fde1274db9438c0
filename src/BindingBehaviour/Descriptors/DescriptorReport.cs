using System.Text.Json;
using System.Text.Json.Serialization;

namespace BindingBehaviour.Descriptors;

/// <summary>
/// The descriptor ledger's report of one test run (&lt;run dir&gt;/descriptors.json): written by the test assembly's
/// Infrastructure/DescriptorLedger.cs, judged by tools/BindingBehaviour.Ci (<c>descriptors</c>). Both sides serialize
/// this one type, so a renamed or retyped field breaks the build instead of the judge.
/// </summary>
public sealed record DescriptorReport(string Schema, int Version, bool Checked)
{
    public const string FileName = "descriptors.json";
    public const string SchemaName = "bindingbehaviour-descriptors";
    public const int CurrentVersion = 1;

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Why the check was not made (no /proc/self/fd), when it was not.</summary>
    public string? Reason { get; init; }

    /// <summary>The ledger itself failed: a check that did not run must never pass.</summary>
    public string? Error { get; init; }

    public int? Process { get; init; }

    public DateTime? StartedAt { get; init; }

    public DateTime? FinishedAt { get; init; }

    public GarbageCollections GarbageCollectionsDuringRun { get; init; } = new(0, 0, 0);

    public string? Rule { get; init; }

    /// <summary>Open before the first test: the test host's.</summary>
    public IReadOnlyList<Descriptor> Baseline { get; init; } = [];

    public IReadOnlyList<Leftover> OpenedDuringRunStillOpen { get; init; } = [];

    /// <summary>The leftovers a test owns.</summary>
    public IReadOnlyList<Leftover> Leaks { get; init; } = [];

    public int LeakedSockets { get; init; }

    public IReadOnlyList<Descriptor> SocketsAtEnd { get; init; } = [];

    public IReadOnlyList<Descriptor> SocketsAtEndNetworkFacing { get; init; } = [];

    public int ClosedDuringRun { get; init; }

    /// <summary>A serial run with a collection after each test (BINDINGBEHAVIOUR_LEDGER_COLLECT=1).</summary>
    public bool CollectAfterEachTest { get; init; }

    public int MostTestsAtOnce { get; init; }

    public IReadOnlyList<FinalizedDescriptor> ClosedByFinalizersAfterTests { get; init; } = [];

    public static DescriptorReport Unchecked(string reason) => new(SchemaName, CurrentVersion, Checked: false) { Reason = reason };

    public static DescriptorReport Failed(string error) => new(SchemaName, CurrentVersion, Checked: false) { Error = error };

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a report; a file of another schema or version, or with a field this type does not have, is refused.</summary>
    public static DescriptorReport Parse(string json)
    {
        var report = JsonSerializer.Deserialize<DescriptorReport>(json, Json) ?? throw new JsonException("The descriptor report is null.");
        return report.Schema == SchemaName && report.Version == CurrentVersion
            ? report
            : throw new JsonException($"Not a {SchemaName} version {CurrentVersion} report: {report.Schema} version {report.Version}.");
    }
}

/// <summary>Garbage collections per generation.</summary>
public sealed record GarbageCollections(int Gen0, int Gen1, int Gen2);

/// <summary>One open descriptor: its number, what /proc/self/fd/N links to, its kind and, for a socket, what /proc/self/net says of it.</summary>
public sealed record Descriptor(int Fd, string Target, string Kind, SocketEntry? Socket)
{
    /// <summary>The socket's inode ("socket:[12345]" gives 12345), or null when it is not a socket.</summary>
    [JsonIgnore]
    public string? Inode => Kind == "socket" ? Target["socket:[".Length..^1] : null;
}

/// <summary>
/// A socket as /proc/self/net/{table} lists it. Network-facing: an IP socket whose local address is a wildcard or not a
/// loopback address, or a packet socket; a unix or netlink socket, or an IP socket on 127/8 or ::1, is not.
/// </summary>
public sealed record SocketEntry(string Table, string Local, string? Remote, string? State, bool NetworkFacing);

/// <summary>
/// A descriptor opened during the run and open at the end, with who owns it ("test" or "runtime") and why, whether only
/// a finalizer closed it, and the tests in whose window it appeared (empty when it appeared outside every test method,
/// in a constructor or a fixture).
/// </summary>
public sealed record Leftover(
    int Fd, string Target, string Kind, SocketEntry? Socket, string Owner, string Reason, bool ClosedByFinalizer,
    IReadOnlyList<string> AppearedDuring);

/// <summary>A descriptor that the collection after a test closed: left to a finalizer, in a serial run.</summary>
public sealed record FinalizedDescriptor(string CollectedAfter, int Fd, string Target, string Kind, IReadOnlyList<string> AppearedDuring);
