/* A print-spool helper: a handful of real defects next to safe code doing the same jobs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NAME_MAX_LEN 64

struct job {
    char owner[NAME_MAX_LEN];
    char *payload;
};

/* Safe: the copy is bounded by the destination and always terminated. */
static void set_owner(struct job *job, const char *owner)
{
    snprintf(job->owner, sizeof job->owner, "%s", owner);
}

/* Defect: the queue name is pasted into a shell command. */
static int purge_queue(const char *queue)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf /var/spool/secrev/%s", queue);
    return system(cmd);
}

/* Defect: the payload is used after it was freed on the error path. */
static int submit(struct job *job, FILE *out)
{
    job->payload = malloc(128);
    if (job->payload == NULL)
        return -1;
    if (fputs("job\n", out) < 0) {
        free(job->payload);
        fprintf(stderr, "failed to submit %s\n", job->payload);
        return -1;
    }
    free(job->payload);
    return 0;
}

int main(int argc, char **argv)
{
    struct job job;
    if (argc < 3)
        return 2;
    char queue[NAME_MAX_LEN];
    set_owner(&job, argv[1]);
    /* Defect: the queue name comes from the command line and is copied without a bound. */
    strcpy(queue, argv[2]);
    if (submit(&job, stdout) != 0)
        return 1;
    return purge_queue(queue);
}
