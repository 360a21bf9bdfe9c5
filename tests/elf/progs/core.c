/* A CO-RE field access: the offset of task_like.tgid is recorded for relocation. */
#include "bpf_test.h"

struct task_like {
    int pid;
    int tgid;
    __u64 start_time;
};

SEC("kprobe/wake_up_new_task")
int core_prog(struct task_like *task)
{
    int tgid;
    __builtin_memcpy(&tgid, __builtin_preserve_access_index(&task->tgid), sizeof(tgid));
    return tgid;
}

char _license[] SEC("license") = "GPL";
