namespace BindingBehaviour.Native;

/// <summary>The two protocols the atlas binds: TCP (SOCK_STREAM) and UDP (SOCK_DGRAM).</summary>
public enum Transport
{
    Tcp,
    Udp,
}
