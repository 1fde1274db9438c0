namespace BindingBehaviour.KernelTables;

/// <summary>The kernel table a socket was found in, as the BPF iterators walk them.</summary>
public enum KernelTable
{
    /// <summary>TCP's listening hash (lhash2): TCP_LISTEN sockets, walked first by the TCP iterator.</summary>
    TcpListening,

    /// <summary>TCP's established hash (ehash): every other TCP state, TIME_WAIT and request sockets included.</summary>
    TcpEstablished,

    /// <summary>udp_table, walked by the UDP iterator bucket by bucket of its (address, port) hash, hash2.</summary>
    Udp,
}
