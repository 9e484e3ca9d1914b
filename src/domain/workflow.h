/* The life of an initiative: which changes of state are allowed, for whom, and what comes
 * with them (publication, releasing donations, the audit entry, e-mail). */
#ifndef BS_WORKFLOW_H
#define BS_WORKFLOW_H
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct db;
struct user;

enum actor_kind { ACTOR_STAFF, ACTOR_INITIATOR, ACTOR_SYSTEM };

/* ingediend → wijziging_gevraagd | open | afgewezen (staff), ingetrokken (initiator)
 * wijziging_gevraagd → ingediend (initiator), afgewezen (staff), ingetrokken (initiator)
 * open → niet_gehaald (system), ingetrokken (initiator); gefinancierd comes from the ledger
 * gefinancierd → uitgevoerd (initiator)
 * afgewezen, ingetrokken, niet_gehaald, uitgevoerd: final. */
bool workflow_allowed(const char *from, const char *to, enum actor_kind who);

enum workflow_result {
    WF_OK,
    WF_NOT_FOUND,
    WF_NOT_ALLOWED,
    WF_BUSY,
    WF_OUT_OF_AREA, /* staff: the initiative lies outside the member's areas */
    WF_NO_TEXT,     /* staff: a change request, rejection or update without its text */
};

/* Changes the state in one write transaction: checks the current state against the rules,
 * publishes (→ open: donation deadline the end of the current round unless set), releases or
 * returns donations (open → ingetrokken / niet_gehaald), stores the reason (afgewezen) or
 * report (uitgevoerd), writes the audit entry and queues the e-mail. `message` is the text
 * for the initiator (the change request, the rejection reason, the completion report). */
enum workflow_result workflow_transition(struct db *db, int64_t initiative_id, const char *to,
                                         enum actor_kind who, const char *actor,
                                         const char *message, time_t now);

/* A staff member's decision (to: open, wijziging_gevraagd or afgewezen) as workflow_transition,
 * with in the same transaction the check that the initiative lies in one of the member's
 * areas (admins: everywhere). Outside them nothing changes but an audit row ("geweigerd",
 * naming the state tried): WF_OUT_OF_AREA. A change request and a rejection need a message
 * (NULL or "": WF_NO_TEXT, checked after the area). The change request's message is stored
 * for the initiator in the transition's transaction. */
enum workflow_result workflow_staff_decide(struct db *db, const struct user *staff,
                                           int64_t initiative_id, const char *to,
                                           const char *message, time_t now);
/* A staff member's update on the public page of an initiative that is online (open,
 * gefinancierd or uitgevoerd; else WF_NOT_ALLOWED), in one of the member's areas (else
 * WF_OUT_OF_AREA, not audited); body NULL or "": WF_NO_TEXT. The update and its audit row
 * ("update") are one transaction. */
enum workflow_result workflow_staff_update(struct db *db, const struct user *staff,
                                           int64_t initiative_id, const char *body, time_t now);

/* Housekeeping: open initiatives whose deadline passed unfunded become niet_gehaald; those
 * within seven days of it get one reminder. Returns how many changed, -1 on error. */
int workflow_deadlines(struct db *db, time_t now);

#endif
