//! Every page of a listing AWS pages, each page counted (`aws` layer): the one pager of the
//! reads that count their calls, over the SDK's own paginators (which follow `Marker`,
//! `NextMarker` or `NextToken` as each API names it) in place of hand-written marker loops.

use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::aws::client::AwsError;
use crate::aws::sessions::CallCount;

/// Every page of `pages` (an SDK paginator's stream) in order, each counted in `calls`; the
/// first error, named `operation` (`iam:ListRolePolicies`), ends it.
pub(crate) async fn every_page<P, E>(
    mut pages: PaginationStream<Result<P, SdkError<E, HttpResponse>>>,
    operation: &'static str,
    calls: &CallCount,
) -> Result<Vec<P>, AwsError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        calls.add();
        out.push(page.map_err(|e| AwsError::from_sdk(operation, e))?);
    }
    Ok(out)
}
