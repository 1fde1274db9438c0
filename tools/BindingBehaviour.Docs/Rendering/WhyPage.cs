using BindingBehaviour.Results;

namespace BindingBehaviour.Docs.Rendering;

/// <summary>docs/why-tcp-and-udp-share-a-port.md: why the kernel lets them, with the sources, then the evidence the runs recorded.</summary>
internal static class WhyPage
{
    public const string FileName = "why-tcp-and-udp-share-a-port.md";

    private const string LinuxInetConnectionSock = "https://github.com/torvalds/linux/blob/master/net/ipv4/inet_connection_sock.c";
    private const string LinuxUdp = "https://github.com/torvalds/linux/blob/master/net/ipv4/udp.c";
    private const string LinuxInetHashtables = "https://github.com/torvalds/linux/blob/master/include/net/inet_hashtables.h";
    private const string XnuInPcb = "https://github.com/apple-oss-distributions/xnu/blob/main/bsd/netinet/in_pcb.c";
    private const string MicrosoftReuse = "https://learn.microsoft.com/en-us/windows/win32/winsock/using-so-reuseaddr-and-so-exclusiveaddruse";

    /// <summary>The claims that are the evidence, and what each shows.</summary>
    private static readonly IReadOnlyList<(string Id, string Shows)> Evidence =
    [
        ("udp-twice-same-address", "Within one protocol the table is consulted: a second UDP socket on the same address and port is refused."),
        ("tcp-and-udp-share-a-port", "Across protocols it is not: a TCP listener and a UDP socket bind the same address and port, whichever comes first."),
        ("protocol-tables-shown-apart", "The OS itself lists them apart: its list of TCP listeners and its list of UDP sockets each hold exactly their own entry."),
        ("network-namespace-own-port-space", "On Linux the key also holds the network namespace: a port taken in one namespace is free in a new one, while a second bind in the first is refused."),
    ];

    private const string Diagram = """
        flowchart LR
            bind["bind(fd, address, port)"] --> protocol{"which protocol<br/>is the socket?"}
            protocol -- "TCP" --> csk["inet_csk_get_port()"]
            protocol -- "UDP" --> udp["udp_lib_get_port()"]
            csk --> tcptable["TCP bind hash: inet_hashinfo<br/>bhash: (netns, port)<br/>bhash2: (netns, port, address)"]
            udp --> udptable["UDP table: udp_table<br/>hash: (netns, port)<br/>hash2: (netns, port, address)"]
            tcptable --> tcpanswer["conflict only with TCP sockets"]
            udptable --> udpanswer["conflict only with UDP sockets"]
        """;

    public static string Render(MergedResults results)
    {
        var page = new Markdown()
            .Line(Labels.GeneratedNotice)
            .Line()
            .Heading(1, "Why a TCP socket and a UDP socket can share a port")
            .Paragraph($"{Markdown.Link("← all topics", IndexPage.FileName)} · "
                + $"{Markdown.Link($"{Topic.TcpAndUdp.Order}. {Topic.TcpAndUdp.Title}", Topic.TcpAndUdp.PagePath)}")
            .Paragraph(
                "A port number is not one resource of the machine. When a socket binds, the kernel asks \"is this port taken?\" "
                + "of a table that belongs to the socket's protocol: TCP sockets are looked up in the TCP bind table, UDP sockets "
                + "in the UDP table. A TCP bind never sees a UDP socket and a UDP bind never sees a TCP socket, so the two can hold "
                + "the same address and port at once, and a packet's protocol field tells the kernel which of them it is for. "
                + "On Linux the entries are also keyed by network namespace, which is why two containers can each bind port 80.")
            .Heading(2, "Linux")
            .CodeBlock("mermaid", Diagram)
            .Line($"- **TCP**: `bind(2)` on a TCP socket reaches `inet_csk_get_port()` in {Markdown.Link("net/ipv4/inet_connection_sock.c", LinuxInetConnectionSock)}. "
                + $"It searches the bind hash of the protocol's `inet_hashinfo` ({Markdown.Link("include/net/inet_hashtables.h", LinuxInetHashtables)}): "
                + "`bhash` buckets by (network namespace, port), `bhash2` by (network namespace, port, address). Only TCP sockets are in it.")
            .Line($"- **UDP**: `bind(2)` on a UDP socket reaches `udp_lib_get_port()` in {Markdown.Link("net/ipv4/udp.c", LinuxUdp)}. "
                + "It searches `udp_table`: `hash` by (network namespace, port), `hash2` by (network namespace, port, address). Only UDP sockets are in it.")
            .Line("- Every bucket entry also records its network namespace and is compared with `net_eq()`, so a socket in another namespace is never a conflict either.")
            .Line()
            .Heading(2, "macOS")
            .Paragraph($"XNU, like the BSDs it comes from, keeps one protocol control block list per protocol. `in_pcbbind()` in "
                + $"{Markdown.Link("bsd/netinet/in_pcb.c", XnuInPcb)} looks for a conflict with `in_pcblookup_local()` in the socket's "
                + "own `inp_pcbinfo`: `tcbinfo` for a TCP socket, `udbinfo` for a UDP socket. There are no network namespaces.")
            .Heading(2, "Windows")
            .Paragraph("Winsock also reserves a port per transport protocol. The rules of "
                + $"{Markdown.Link("Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE", MicrosoftReuse)} (who may take a port that is in use, "
                + "and how `SO_EXCLUSIVEADDRUSE` protects it) are about sockets of the same protocol; a TCP bind and a UDP bind of "
                + "one port do not meet. The source is closed, so the runs below are the evidence.")
            .Heading(2, "The evidence")
            .Paragraph("What the recorded runs saw. A cell is observed only where a run of that OS recorded it; otherwise it is the expectation.");

        foreach (var (id, shows) in Evidence)
        {
            RenderEvidence(page, results, id, shows);
        }

        page.Heading(2, "Read from the kernel's memory")
            .Paragraph("Is there a slot per (port, protocol) pair? On Linux the tables themselves answer. Two small BPF iterators "
                + "(src/BindingBehaviour/KernelTables/kernel_tables.bpf.c, compiled at run time against the kernel's BTF) walk TCP's "
                + "listening and established hashes and UDP's `udp_table`, and print every socket as the kernel holds it: the table, "
                + "the bucket (UDP), the local address and port, the state, the flags the conflict rules read (`sk_reuse` for "
                + "SO_REUSEADDR, `sk_reuseport` for SO_REUSEPORT), the owner and the network namespace. The tables below are the "
                + "entries a run recorded; where no run of Linux read them, only the expectation is shown. A TCP socket that is only "
                + "bound (not listening) is in the bind hash alone, which no iterator walks, so these claims listen.");
        foreach (var (id, shows) in KernelEvidence)
        {
            RenderKernelTables(page, results, id, shows);
        }

        return page.ToString();
    }

    /// <summary>The kernel-table claims, and what each shows.</summary>
    private static readonly IReadOnlyList<(string Id, string Shows)> KernelEvidence =
    [
        ("kernel-tables-per-protocol", "A TCP listener and a UDP socket on one port: one entry in each protocol's table, never both in one."),
        ("kernel-tables-per-network-namespace", "The same address and port in another network namespace: another entry, carrying another namespace's inode, and each namespace's read lists only its own."),
        ("kernel-tables-hold-reuse-flags", "SO_REUSEADDR is a flag of each socket, in its entry, and .NET sets it for you at every TCP Bind."),
    ];

    /// <summary>How the claims' details begin (tests/.../KernelTableEvidence.cs); what follows is "ROLE: col | col ...; ROLE: ...".</summary>
    private const string KernelDetailPrefix = "kernel tables: ";

    private static readonly string[] KernelColumns = ["socket", "table", "bucket", "local address", "family", "state", "flags", "owner", "network namespace"];

    private static void RenderKernelTables(Markdown page, MergedResults results, string id, string shows)
    {
        page.Heading(3, Markdown.Code(id));
        if (results.Find(id) is not { } claim)
        {
            page.Paragraph($"{shows} The claim {Markdown.Code(id)} is not in these results, so there is no evidence to show for it yet.");
            return;
        }

        page.Paragraph($"{shows} Claim: {Markdown.Link(claim.Sentence, TopicPage.LinkFromRoot(claim))}");
        foreach (var variant in MergedResults.Layers(claim))
        {
            var cell = results.CellOf(claim, variant, Os.Linux);
            var tables = cell.Current.Where(o => o.Observation is { Status: Observation.Observed, Detail: { } detail } && detail.StartsWith(KernelDetailPrefix, StringComparison.Ordinal)).ToList();
            if (tables.Count == 0)
            {
                // Not observed, only skipped, or stale: what the cell says elsewhere in the docs, and the expectation.
                page.Paragraph($"**{variant.Layer}** on Linux: {Labels.Observed(cell).Replace("\n", "; ", StringComparison.Ordinal)}. Expected: {Labels.Expected(cell.Expected)}.");
                continue;
            }

            foreach (var seen in tables)
            {
                var observation = seen.Observation;
                page.Paragraph($"**{variant.Layer}**, observed by the run {Labels.RunLink(seen.Run, "")} (kernel {Markdown.Text(seen.Run.Info.Kernel)}): "
                    + $"{Markdown.Code(observation.Outcome ?? "")} {Labels.Icon(seen.Verdict)} {Labels.VerdictText(seen.Verdict)}");
                var rows = observation.Detail![KernelDetailPrefix.Length..].Split("; ")
                    .Select(row => row.Split(": ", 2))
                    .Where(parts => parts.Length == 2)
                    .Select(parts => (IReadOnlyList<string>)[Markdown.Text(parts[0]), .. parts[1].Split(" | ").Select(Markdown.Code)])
                    .Where(row => row.Count == KernelColumns.Length)
                    .ToList();
                if (rows.Count == 0)
                {
                    page.Paragraph($"The run recorded no entry: {Markdown.Text(observation.Detail)}");
                    continue;
                }

                page.Table(KernelColumns, rows);
            }

            foreach (var other in cell.Current.Except(tables).Concat(cell.StaleObservations))
            {
                page.Paragraph($"**{variant.Layer}**, the run {Labels.RunLink(other.Run, "")}: "
                    + (other.Stale ? $"stale, not counted: saw {Markdown.Code(other.Answer)} before the claim's code changed" : Labels.ObservationText(other.Observation).Replace("\n", "; ", StringComparison.Ordinal)));
            }
        }
    }

    private static void RenderEvidence(Markdown page, MergedResults results, string id, string shows)
    {
        page.Heading(3, Markdown.Code(id));
        if (results.Find(id) is not { } claim)
        {
            page.Paragraph($"{shows} The claim {Markdown.Code(id)} is not in these results, so there is no evidence to show for it yet.");
            return;
        }

        page.Paragraph($"{shows} Claim: {Markdown.Link(claim.Sentence, TopicPage.LinkFromRoot(claim))}")
            .Table(
                ["OS", "Layer", "Expected", "Observed", "Verdict"],
                MergedResults.Layers(claim).SelectMany(variant => MergedResults.AllOs.Select(os => results.CellOf(claim, variant, os))
                    .Select(cell => (IReadOnlyList<string>)
                    [
                        Labels.OsName(cell.Os),
                        variant.Layer,
                        Labels.Expected(cell.Expected),
                        Labels.Observed(cell),
                        Labels.VerdictText(cell.Verdict),
                    ])));
    }
}
